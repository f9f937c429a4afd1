/// The work a type's controller does: look at a resource and say what its status should be.
///
/// Hearth runs reconcilers for you: it watches the type, calls ``reconcile(_:)`` for every new
/// or changed resource, writes the returned status through the status subresource, and retries
/// failures with exponential backoff. With several replicas, one replica at a time runs each
/// controller (a lease in the database).
public protocol Reconciler: Sendable {
    /// The status the resource should have now. Throwing marks the resource failed with the
    /// error's message, and the resource is retried with backoff.
    func reconcile(_ resource: Resource) async throws -> ResourceStatus
}
