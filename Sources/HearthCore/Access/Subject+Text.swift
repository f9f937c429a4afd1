extension Subject {
    /// The subject as one string: `user:alice`, `group:ops`, `serviceaccount:ns/name`. Used in
    /// namespace owner lists, the CLI and audit entries.
    public var text: String {
        switch kind {
        case .user: "user:\(name)"
        case .group: "group:\(name)"
        case .serviceAccount: "serviceaccount:\(namespace ?? "")/\(name)"
        }
    }

    /// Parses ``text``. A bare name means a user.
    /// - Throws: `HearthError(.invalid)` naming `field` when the text is not a valid subject.
    public static func parse(_ text: String, field: String = "subject") throws(HearthError) -> Subject {
        let subject: Subject
        if let colon = text.firstIndex(of: ":") {
            let kind = text[..<colon]
            let rest = String(text[text.index(after: colon)...])
            switch kind {
            case "user": subject = .user(rest)
            case "group": subject = .group(rest)
            case "serviceaccount", "sa":
                let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw HearthError.invalid([FieldViolation(field: field, reason: "a service account is written serviceaccount:<namespace>/<name>")])
                }
                subject = .serviceAccount(String(parts[1]), namespace: String(parts[0]))
            default:
                throw HearthError.invalid([
                    FieldViolation(field: field, reason: "'\(kind)' is not a subject kind (user, group or serviceaccount)")
                ])
            }
        } else {
            subject = .user(text)
        }
        let violations = subject.validate(at: field)
        if !violations.isEmpty { throw HearthError.invalid(violations) }
        return subject
    }
}

extension Subject {
    /// What is wrong with `text` as a subject (see ``parse(_:field:)``), naming `field`.
    public static func violations(ofText text: String, field: String) -> [FieldViolation] {
        do throws(HearthError) {
            _ = try parse(text, field: field)
            return []
        } catch {
            return error.violations
        }
    }

    /// Violations for every string in `list` that is not a subject, named `field[i]`.
    static func violations(ofList list: JSONValue?, field: String) -> [FieldViolation] {
        (list?.arrayValue ?? []).enumerated().flatMap { index, value -> [FieldViolation] in
            guard let text = value.stringValue else { return [] }
            return violations(ofText: text, field: "\(field)[\(index)]")
        }
    }
}

extension Principal {
    /// The principal as one string, as ``Subject/text`` writes it; `anonymous` for anonymous.
    public var text: String { subject?.text ?? "anonymous" }
}
