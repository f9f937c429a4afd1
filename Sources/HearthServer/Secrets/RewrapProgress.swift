/// What the master key rewrap job is doing and last did (`GET /v1/admin/master-key`).
struct RewrapProgress: Encodable, Sendable {
    /// One pass over everything sealed under older keys of the ring.
    struct Pass: Encodable, Sendable {
        var startedAt: String
        var finishedAt: String?
        /// The current key the pass rewrapped onto.
        var current: String
        /// Secret values rewrapped.
        var rewrapped = 0
        /// Secret values that did not open (left as they are; their key is kept).
        var failed = 0
        /// Older keys retired at the end of the pass.
        var retired: [String] = []
        /// Older keys of a supplied ring that no longer seal anything: the operator may drop them.
        var unused: [String] = []
    }

    var running = false
    /// The pass under way, as far as it got.
    var current: Pass?
    var last: Pass?
}
