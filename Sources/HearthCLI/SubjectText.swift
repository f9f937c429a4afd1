import HearthCore

/// Subjects as the CLI takes them: `user:alice`, `group:ops`, `serviceaccount:ns/name` (or
/// `sa:ns/name`), or a bare name meaning a user. Always written back in the server's form, so
/// the same subject is never listed twice under two spellings.
enum SubjectText {
    static func normalize(_ text: String) throws -> String {
        do throws(HearthError) {
            return try Subject.parse(text.trimmingCharacters(in: .whitespaces)).text
        } catch {
            let reasons = error.violations.map(\.reason).joined(separator: "; ")
            throw CLIFailure("'\(text)' is not a subject (user:NAME, group:NAME or serviceaccount:NAMESPACE/NAME): \(reasons.isEmpty ? error.message : reasons)")
        }
    }
}
