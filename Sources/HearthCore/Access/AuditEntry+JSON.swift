extension AuditEntry {
    /// The entry in the API's JSON encoding (compact, keys sorted, absent fields left out), written
    /// by hand (see ``JSONText``): an entry is encoded with every audited write. A test keeps it
    /// equal to ``APIJSON/encodeString(_:)``.
    public var json: String {
        var out = JSONText()
        out.string("decision", decision)
        out.integer("id", id)
        out.string("name", name)
        out.string("namespace", namespace)
        out.string("principal", principal)
        out.string("reason", reason)
        out.string("requestID", requestID)
        out.string("resource", resource)
        out.string("source", source)
        out.integer("status", status.map(Int64.init))
        out.string("time", time)
        out.string("verb", verb)
        return out.close()
    }
}
