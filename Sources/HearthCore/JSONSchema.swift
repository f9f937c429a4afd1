/// The subset of JSON Schema (2020-12) that Hearth's types use to describe their `spec`.
///
/// It is served as real JSON Schema under `GET /v1/resource-types`, and ``validate(_:at:)`` checks
/// a value against it, naming each field at fault. Objects reject properties they do not list
/// unless `additionalProperties` is given.
public final class JSONSchema: Sendable, Codable {
    public let type: String?
    public let description: String?
    public let properties: [String: JSONSchema]?
    public let required: [String]?
    /// For objects: the schema of properties not listed in `properties`; nil rejects them.
    public let additionalProperties: JSONSchema?
    public let items: JSONSchema?
    public let enumValues: [JSONValue]?
    public let minLength: Int?
    public let maxLength: Int?
    public let minimum: Double?
    public let maximum: Double?
    public let minItems: Int?
    public let maxItems: Int?
    /// A named format checked in code: `dns-label`, `duration`, `hostname`.
    public let format: String?

    enum CodingKeys: String, CodingKey {
        case type, description, properties, required, additionalProperties, items
        case enumValues = "enum"
        case minLength, maxLength, minimum, maximum, minItems, maxItems, format
    }

    public init(
        type: String? = nil, description: String? = nil, properties: [String: JSONSchema]? = nil,
        required: [String]? = nil, additionalProperties: JSONSchema? = nil, items: JSONSchema? = nil,
        enumValues: [JSONValue]? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        minimum: Double? = nil, maximum: Double? = nil, minItems: Int? = nil, maxItems: Int? = nil,
        format: String? = nil
    ) {
        self.type = type
        self.description = description
        self.properties = properties
        self.required = required
        self.additionalProperties = additionalProperties
        self.items = items
        self.enumValues = enumValues
        self.minLength = minLength
        self.maxLength = maxLength
        self.minimum = minimum
        self.maximum = maximum
        self.minItems = minItems
        self.maxItems = maxItems
        self.format = format
    }

    // MARK: Builders

    public static func object(
        _ properties: [String: JSONSchema], required: [String] = [], description: String? = nil
    ) -> JSONSchema {
        JSONSchema(type: "object", description: description, properties: properties, required: required)
    }

    public static func map(of values: JSONSchema, description: String? = nil) -> JSONSchema {
        JSONSchema(type: "object", description: description, properties: [:], additionalProperties: values)
    }

    public static func string(
        description: String? = nil, minLength: Int? = nil, maxLength: Int? = nil, enum values: [String]? = nil,
        format: String? = nil
    ) -> JSONSchema {
        JSONSchema(
            type: "string", description: description, enumValues: values?.map { .string($0) },
            minLength: minLength, maxLength: maxLength, format: format)
    }

    public static func integer(description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONSchema {
        JSONSchema(type: "integer", description: description, minimum: minimum, maximum: maximum)
    }

    public static func number(description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONSchema {
        JSONSchema(type: "number", description: description, minimum: minimum, maximum: maximum)
    }

    public static func boolean(description: String? = nil) -> JSONSchema {
        JSONSchema(type: "boolean", description: description)
    }

    public static func array(of items: JSONSchema, description: String? = nil, minItems: Int? = nil, maxItems: Int? = nil)
        -> JSONSchema
    {
        JSONSchema(type: "array", description: description, items: items, minItems: minItems, maxItems: maxItems)
    }

    /// Any JSON value at all.
    public static let any = JSONSchema(description: "any JSON value")

    // MARK: Validation

    /// Checks `value` against this schema; `path` names the value in messages (e.g. `spec`).
    public func validate(_ value: JSONValue, at path: String) -> [FieldViolation] {
        var violations: [FieldViolation] = []
        validate(value, at: path, into: &violations)
        return violations
    }

    private func validate(_ value: JSONValue, at path: String, into violations: inout [FieldViolation]) {
        if let type {
            let matches: Bool =
                switch (type, value) {
                case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
                    ("integer", .int), ("number", .int), ("number", .double), ("null", .null):
                    true
                case ("integer", .double(let d)):
                    d.rounded() == d
                default:
                    false
                }
            guard matches else {
                violations.append(FieldViolation(field: path, reason: "must be \(Self.article(type)), not \(value.typeName)"))
                return
            }
        }
        if let enumValues, !enumValues.contains(value) {
            let allowed = enumValues.map(Self.literal).joined(separator: ", ")
            violations.append(FieldViolation(field: path, reason: "must be one of \(allowed)"))
        }
        switch value {
        case .object(let object):
            for name in required ?? [] where object[name] == nil || object[name] == .null {
                violations.append(FieldViolation(field: Self.join(path, name), reason: "is required"))
            }
            for (name, child) in object.sorted(by: { $0.key < $1.key }) {
                if let schema = properties?[name] {
                    if child == .null, !(required ?? []).contains(name) { continue }
                    schema.validate(child, at: Self.join(path, name), into: &violations)
                } else if let additionalProperties {
                    additionalProperties.validate(child, at: Self.join(path, name), into: &violations)
                } else if properties != nil {
                    violations.append(FieldViolation(field: Self.join(path, name), reason: "unknown field"))
                }
            }
        case .array(let array):
            if let minItems, array.count < minItems {
                violations.append(FieldViolation(field: path, reason: "must have at least \(minItems) items"))
            }
            if let maxItems, array.count > maxItems {
                violations.append(FieldViolation(field: path, reason: "must have at most \(maxItems) items"))
            }
            if let items {
                for (index, element) in array.enumerated() {
                    items.validate(element, at: "\(path)[\(index)]", into: &violations)
                }
            }
        case .string(let string):
            let length = string.count
            if let minLength, length < minLength {
                violations.append(FieldViolation(field: path, reason: "must be at least \(minLength) characters long"))
            }
            if let maxLength, length > maxLength {
                violations.append(FieldViolation(field: path, reason: "must be at most \(maxLength) characters long"))
            }
            if let format, let reason = Self.checkFormat(format, string) {
                violations.append(FieldViolation(field: path, reason: reason))
            }
        case .int, .double:
            let number: Double =
                switch value {
                case .int(let i): Double(i)
                case .double(let d): d
                default: 0
                }
            if let minimum, number < minimum {
                violations.append(FieldViolation(field: path, reason: "must be at least \(Self.format(minimum))"))
            }
            if let maximum, number > maximum {
                violations.append(FieldViolation(field: path, reason: "must be at most \(Self.format(maximum))"))
            }
        default:
            break
        }
    }

    private static func checkFormat(_ format: String, _ value: String) -> String? {
        switch format {
        case "dns-label": return Names.dnsLabelProblem(value)
        case "hostname": return Names.hostnameProblem(value)
        case "duration": return Duration.parse(value) == nil ? "must be a duration such as 500ms, 10s, 5m or 1h" : nil
        default: return nil
        }
    }

    /// A value as a message shows it: strings in single quotes, other values as literals.
    private static func literal(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): String(b)
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): "'\(s)'"
        case .array(let a): "[" + a.map(literal).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.sorted { $0.key < $1.key }.map { "'\($0.key)': \(literal($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    private static func article(_ type: String) -> String {
        switch type {
        case "object", "array", "integer": "an \(type)"
        default: "a \(type)"
        }
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}
