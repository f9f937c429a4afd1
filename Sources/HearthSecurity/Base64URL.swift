/// Unpadded base64url, table-driven over bytes: the same strict spelling as
/// `UnpaddedBase64(alphabet: .url)` (one encoding per value: no padding, no other characters, zero
/// unused bits), fast enough for sealed values of a mebibyte (a few milliseconds, where the
/// `String`-mapping codec takes tens).
enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Each byte's 6-bit value, or 0xFF for bytes outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The unpadded base64url encoding of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        let count = (bytes.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: count) { output in
            bytes.withUnsafeBufferPointer { input in
                alphabet.withUnsafeBufferPointer { table in
                    var i = 0
                    var o = 0
                    while i + 3 <= input.count {
                        let group = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        output[o] = table[Int(group >> 18)]
                        output[o + 1] = table[Int(group >> 12 & 63)]
                        output[o + 2] = table[Int(group >> 6 & 63)]
                        output[o + 3] = table[Int(group & 63)]
                        i += 3
                        o += 4
                    }
                    switch input.count - i {
                    case 1:
                        let group = UInt32(input[i]) << 16
                        output[o] = table[Int(group >> 18)]
                        output[o + 1] = table[Int(group >> 12 & 63)]
                    case 2:
                        let group = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
                        output[o] = table[Int(group >> 18)]
                        output[o + 1] = table[Int(group >> 12 & 63)]
                        output[o + 2] = table[Int(group >> 6 & 63)]
                    default: break
                    }
                }
            }
            return count
        }
    }

    /// The bytes `text` encodes, or nil when it is not the canonical unpadded base64url of any.
    static func decode(_ text: Substring) -> [UInt8]? {
        var text = text
        return text.withUTF8 { input -> [UInt8]? in
            let length = input.count
            guard length % 4 != 1 else { return nil }
            let count = length * 3 / 4
            var valid = true
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                values.withUnsafeBufferPointer { table in
                    var i = 0
                    var o = 0
                    var invalid: UInt8 = 0
                    while i + 4 <= length {
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                        let c = table[Int(input[i + 2])], d = table[Int(input[i + 3])]
                        invalid |= (a | b | c | d) & 0x80
                        let group = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6 | UInt32(d & 63)
                        output[o] = UInt8(truncatingIfNeeded: group >> 16)
                        output[o + 1] = UInt8(truncatingIfNeeded: group >> 8)
                        output[o + 2] = UInt8(truncatingIfNeeded: group)
                        i += 4
                        o += 3
                    }
                    switch length - i {
                    case 2:
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])]
                        invalid |= (a | b) & 0x80
                        if b & 0x0F != 0 { invalid = 0x80 }
                        output[o] = (a & 63) << 2 | (b & 63) >> 4
                    case 3:
                        let a = table[Int(input[i])], b = table[Int(input[i + 1])], c = table[Int(input[i + 2])]
                        invalid |= (a | b | c) & 0x80
                        if c & 0x03 != 0 { invalid = 0x80 }
                        output[o] = (a & 63) << 2 | (b & 63) >> 4
                        output[o + 1] = (b & 63) << 4 | (c & 63) >> 2
                    default: break
                    }
                    valid = invalid == 0
                }
                initialized = count
            }
            return valid ? bytes : nil
        }
    }
}
