/// What a commit reached, as a replica announces it to the others (PostgreSQL's `NOTIFY`): the
/// resource and key-value revisions it committed, each nil when the commit left it unchanged.
///
/// A listener catches up only the feeds that are behind what was announced, so a replica does not
/// re-read the change log for its own commits. ``unknown`` (the periodic poll, or a payload that
/// does not parse) catches up both.
struct CommitAnnouncement: Sendable, Equatable {
    var revision: Int64?
    var kvRevision: Int64?

    static let unknown = CommitAnnouncement(revision: nil, kvRevision: nil)

    var isUnknown: Bool { revision == nil && kvRevision == nil }

    init(revision: Int64?, kvRevision: Int64?) {
        self.revision = revision
        self.kvRevision = kvRevision
    }

    /// The NOTIFY payload: `r=N`, `k=N`, or both separated by a space.
    var payload: String {
        [revision.map { "r=\($0)" }, kvRevision.map { "k=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }

    /// Parses a payload; anything it does not recognize gives ``unknown``.
    init(payload: String) {
        var announcement = Self.unknown
        for field in payload.split(separator: " ") {
            guard field.count > 2, let value = Int64(field.dropFirst(2)) else { self = .unknown; return }
            switch field.prefix(2) {
            case "r=": announcement.revision = value
            case "k=": announcement.kvRevision = value
            default:
                self = .unknown
                return
            }
        }
        self = announcement
    }
}
