extension Resource {
    /// The resource in the API's JSON encoding, as the store keeps it and `GET` serves it, written
    /// by hand (see ``JSONText``): a resource is encoded with every write. A test keeps it equal to
    /// ``APIJSON/encodeString(_:)``.
    public func json() throws -> String {
        var out = JSONText()
        out.strings("annotations", annotations)
        out.string("createdAt", createdAt)
        out.strings("labels", labels)
        out.string("name", name)
        out.string("namespace", namespace)
        out.string("owner", owner)
        out.integer("revision", revision)
        try out.value("spec", spec)
        out.raw("status", try status.json())
        out.string("type", type)
        out.string("uid", uid)
        out.string("updatedAt", updatedAt)
        out.integer("version", version)
        return out.close()
    }
}

extension ResourceStatus {
    /// The status in the API's JSON encoding (see ``Resource/json()``).
    public func json() throws -> String {
        var out = JSONText()
        var conditions = "["
        for (index, condition) in self.conditions.enumerated() {
            if index > 0 { conditions += "," }
            conditions += condition.json
        }
        out.raw("conditions", conditions + "]")
        try out.value("details", details)
        out.string("message", message)
        out.integer("observedVersion", observedVersion)
        out.string("phase", phase.rawValue)
        return out.close()
    }
}

extension Condition {
    /// The condition in the API's JSON encoding (see ``Resource/json()``).
    public var json: String {
        var out = JSONText()
        out.string("lastTransitionTime", lastTransitionTime)
        out.string("message", message)
        out.string("reason", reason)
        out.string("status", status)
        out.string("type", type)
        return out.close()
    }
}
