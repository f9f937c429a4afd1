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

/// Reading resources back from their JSON (``JSONParser``), by hand: as `Decodable` reads them,
/// without its cost on every list, watch catch-up and start. A test keeps the two equal.
extension Resource {
    /// The resource in `text`, as ``json()`` writes it.
    public init(parsingJSON text: String) throws {
        try self.init(json: try JSONParser.parse(text))
    }

    public init(json: JSONValue) throws {
        let object = try JSONFields(json, "resource")
        self.init(
            type: try object.string("type"), uid: try object.string("uid"), name: try object.string("name"),
            namespace: try object.optionalString("namespace"), labels: try object.strings("labels"),
            annotations: try object.strings("annotations"), owner: try object.optionalString("owner"),
            createdAt: try object.string("createdAt"), updatedAt: try object.string("updatedAt"),
            version: try object.integer("version"), revision: try object.integer("revision"), spec: try object.required("spec"),
            status: try ResourceStatus(json: try object.required("status")))
    }
}

extension ResourceStatus {
    public init(json: JSONValue) throws {
        let object = try JSONFields(json, "status")
        let phaseText = try object.string("phase")
        guard let phase = Phase(rawValue: phaseText) else { throw JSONFields.Invalid("status.phase '\(phaseText)' is not a phase") }
        var conditions: [Condition] = []
        if let list = object.members["conditions"], list != .null {
            guard case .array(let items) = list else { throw JSONFields.Invalid("status.conditions is not an array") }
            conditions = try items.map { try Condition(json: $0) }
        }
        let details = object.members["details"]
        self.init(
            phase: phase, conditions: conditions, message: try object.optionalString("message"),
            observedVersion: try object.optionalInteger("observedVersion"), details: details == .null ? nil : details)
    }
}

extension Condition {
    public init(json: JSONValue) throws {
        let object = try JSONFields(json, "condition")
        self.init(
            type: try object.string("type"), status: try object.string("status"), reason: try object.optionalString("reason"),
            message: try object.optionalString("message"), lastTransitionTime: try object.optionalString("lastTransitionTime"))
    }
}

/// The members of a JSON object, read by type, for the hand-written readers above.
struct JSONFields {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    let members: [String: JSONValue]
    let context: String

    init(_ value: JSONValue, _ context: String) throws {
        guard case .object(let members) = value else { throw Invalid("\(context) is not a JSON object") }
        self.members = members
        self.context = context
    }

    func required(_ key: String) throws -> JSONValue {
        guard let value = members[key] else { throw Invalid("\(context).\(key) is missing") }
        return value
    }

    func string(_ key: String) throws -> String {
        guard case .string(let text) = try required(key) else { throw Invalid("\(context).\(key) is not a string") }
        return text
    }

    func optionalString(_ key: String) throws -> String? {
        guard let value = members[key], value != .null else { return nil }
        guard case .string(let text) = value else { throw Invalid("\(context).\(key) is not a string") }
        return text
    }

    func integer(_ key: String) throws -> Int64 {
        guard case .int(let number) = try required(key) else { throw Invalid("\(context).\(key) is not an integer") }
        return number
    }

    func optionalInteger(_ key: String) throws -> Int64? {
        guard let value = members[key], value != .null else { return nil }
        guard case .int(let number) = value else { throw Invalid("\(context).\(key) is not an integer") }
        return number
    }

    func strings(_ key: String) throws -> [String: String] {
        guard case .object(let map) = try required(key) else { throw Invalid("\(context).\(key) is not an object") }
        return try map.mapValues { value in
            guard case .string(let text) = value else { throw Invalid("\(context).\(key) has a value that is not a string") }
            return text
        }
    }
}
