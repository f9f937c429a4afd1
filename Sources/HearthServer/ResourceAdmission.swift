import HearthCore

/// Checks a write against other resources before it is made: what a type's schema and rules,
/// which see one `spec` alone, cannot say (e.g. that a DNS name already has a CNAME).
protocol ResourceAdmission: Sendable {
    /// Throws the 409 or 422 a user should see if writing `spec` at `key` would conflict.
    func admit(key: ResourceKey, spec: JSONValue) async throws
}
