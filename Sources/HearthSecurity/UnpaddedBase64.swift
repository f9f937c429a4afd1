import Foundation

/// Base64 without `=` padding, in the standard alphabet (as PHC strings use it) or the URL-safe one
/// (as JWTs and Hearth's opaque tokens use it). Decoding is strict: it accepts only the canonical
/// encoding of some bytes, so one value has exactly one spelling.
enum UnpaddedBase64 {
    /// The alphabet: standard (`+`, `/`) or URL-safe (`-`, `_`).
    enum Alphabet {
        case standard
        case url
    }

    /// The unpadded encoding of `bytes`.
    static func encode(_ bytes: some Sequence<UInt8>, alphabet: Alphabet) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.last == "=" { text.removeLast() }
        if alphabet == .url {
            text = String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        }
        return text
    }

    /// The bytes `text` encodes, or nil when it is not the canonical unpadded encoding of any.
    static func decode(_ text: some StringProtocol, alphabet: Alphabet) -> [UInt8]? {
        let extra: (UInt8, UInt8) = alphabet == .url ? (UInt8(ascii: "-"), UInt8(ascii: "_")) : (UInt8(ascii: "+"), UInt8(ascii: "/"))
        var standard = [UInt8]()
        standard.reserveCapacity(text.utf8.count + 2)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.append(byte)
            case extra.0: standard.append(UInt8(ascii: "+"))
            case extra.1: standard.append(UInt8(ascii: "/"))
            default: return nil
            }
        }
        guard standard.count % 4 != 1 else { return nil }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(standard)) else { return nil }
        let bytes = [UInt8](data)
        // Unused low bits in the last character must be zero: re-encoding must give the input back.
        guard encode(bytes, alphabet: alphabet) == String(text) else { return nil }
        return bytes
    }
}
