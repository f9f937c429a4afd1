/// Random bytes from the system's cryptographically secure generator (`getrandom` on Linux,
/// `arc4random_buf` on Darwin, which is what `SystemRandomNumberGenerator` uses).
public enum SecureRandom {
    /// `count` fresh random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// `count` random bytes as unpadded base64url: an identifier safe in URLs and file names.
    public static func identifier(bytes count: Int = 16) -> String {
        UnpaddedBase64.encode(bytes(count), alphabet: .url)
    }

    /// A code for people to type: `groups` groups of 4 characters from an alphabet without
    /// look-alikes (no 0/O, 1/I/L), joined by dashes; 20 bits a group.
    public static func humanCode(groups: Int = 5) -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in
            String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }.joined(separator: "-")
    }
}
