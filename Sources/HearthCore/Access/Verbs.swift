/// The verbs a ``PolicyRule`` may name, and an ``AccessRequest`` carries.
///
/// The list is closed: a rule naming a verb outside it is refused by ``PolicyRule/validate(at:)``,
/// so a typo (`"delte"`) fails loudly instead of silently granting nothing. `"*"` stands for every
/// verb, including ones added later.
public enum Verbs {
    /// Read one resource.
    public static let get = "get"
    /// Read a collection.
    public static let list = "list"
    /// Follow changes to a collection or a resource.
    public static let watch = "watch"
    /// Create a resource.
    public static let create = "create"
    /// Replace a resource's spec.
    public static let update = "update"
    /// Merge-patch a resource's spec.
    public static let patch = "patch"
    /// Delete a resource.
    public static let delete = "delete"
    /// Write the status subresource (what controllers do).
    public static let updateStatus = "update-status"
    /// Read a secret value in clear (getting the resource shows only its metadata).
    public static let readValue = "read-value"
    /// Report the result of an instance's TTL health check (what the instance itself does).
    public static let heartbeat = "heartbeat"
    /// Every verb.
    public static let wildcard = "*"

    /// Every verb a rule may name besides ``wildcard``, in a stable order.
    public static let known: [String] = [get, list, watch, create, update, patch, delete, updateStatus, readValue, heartbeat]

    /// The verbs that only read: get, list and watch.
    public static let read: [String] = [get, list, watch]

    /// The verbs that change resources or reveal secret values.
    public static let write: [String] = [create, update, patch, delete, updateStatus, readValue, heartbeat]

    /// True for a verb a rule may name: one of ``known`` or ``wildcard``.
    public static func isValidInRule(_ verb: String) -> Bool {
        verb == wildcard || known.contains(verb)
    }
}
