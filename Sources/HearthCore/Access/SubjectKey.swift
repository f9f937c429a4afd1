/// A subject as a dictionary key: what a ``Principal`` is looked up by in the evaluator's index.
enum SubjectKey: Hashable, Sendable {
    case user(String)
    case group(String)
    case serviceAccount(namespace: String, name: String)

    init(_ subject: Subject) {
        switch subject.kind {
        case .user: self = .user(subject.name)
        case .group: self = .group(subject.name)
        case .serviceAccount: self = .serviceAccount(namespace: subject.namespace ?? "", name: subject.name)
        }
    }

    /// The key that names `principal` itself; nil for anonymous callers.
    init?(_ principal: Principal) {
        switch principal.kind {
        case .user: self = .user(principal.name)
        case .serviceAccount: self = .serviceAccount(namespace: principal.namespace ?? "", name: principal.name)
        case .anonymous: return nil
        }
    }
}
