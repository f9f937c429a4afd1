import HearthCore
import HummingbirdCore

/// The API's query parameters, read one way on every route: a value that is not one answers 400
/// naming the parameter and what it got.
extension FlatDictionary where Key == Substring, Value == Substring {
    /// A flag: absent, `false` or `0` is false; present without a value, `true` or `1` is true.
    func flag(_ name: String) throws -> Bool {
        guard let value = self[Substring(name)] else { return false }
        switch value {
        case "", "true", "1": return true
        case "false", "0": return false
        default: throw HearthError(.badRequest, "\(name) must be true or false, not '\(value)'")
        }
    }

    /// An integer of at least `minimum`; nil when absent.
    func integer(_ name: String, minimum: Int64 = 0) throws -> Int64? {
        guard let text = self[Substring(name)] else { return nil }
        guard let value = Int64(text), value >= minimum else {
            let wanted = minimum == 0 ? "a non-negative integer" : "an integer of at least \(minimum)"
            throw HearthError(.badRequest, "\(name) must be \(wanted), not '\(text)'")
        }
        return value
    }
}
