import Foundation
import HearthCore
import Yams

/// Prints API answers as a table, JSON or YAML.
enum Output {
    static func print(json data: Data, format: OutputFormat, table: () -> [[String]]) throws {
        switch format {
        case .json:
            let object = try JSONSerialization.jsonObject(with: data)
            let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            Swift.print(String(decoding: pretty, as: UTF8.self))
        case .yaml:
            let object = try JSONSerialization.jsonObject(with: data)
            Swift.print(try Yams.dump(object: normalize(object), sortKeys: true), terminator: "")
        case .table:
            printTable(table())
        }
    }

    /// Prints one object field by field (`hearth whoami`, `hearth user show`): a `field: value`
    /// line each in table format, the object itself in json and yaml.
    static func print(json data: Data, format: OutputFormat, details: () -> [(String, String)]) throws {
        try print(json: data, format: format) {
            let pairs = details()
            let width = (pairs.map(\.0.count).max() ?? 0) + 2
            return pairs.map { [($0.0 + ":").padding(toLength: width, withPad: " ", startingAt: 0) + $0.1] }
        }
    }

    static func printTable(_ rows: [[String]]) {
        guard let header = rows.first else { return }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        for row in rows {
            let line = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0) }
            Swift.print(line.joined())
        }
    }

    /// JSONSerialization's NSNumber/NSDictionary into plain Swift values Yams can dump.
    static func normalize(_ value: Any) -> Any {
        switch value {
        case let dict as [String: Any]: return dict.mapValues(normalize)
        case let array as [Any]: return array.map(normalize)
        case let number as NSNumber:
            let kind = String(cString: number.objCType)
            if kind == "c" || kind == "B" { return number.boolValue }
            if number.doubleValue.rounded() == number.doubleValue, abs(number.doubleValue) < 9e15 { return number.int64Value }
            return number.doubleValue
        case is NSNull: return NSNull()
        default: return value
        }
    }

    static func age(_ timestamp: String?) -> String {
        guard let timestamp, let date = Timestamp.date(from: timestamp) else { return "-" }
        let seconds = Int(Date().timeIntervalSince(date))
        if seconds < 120 { return "\(max(seconds, 0))s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// A list for one table cell: `a,b,c`, or `-` when empty.
    static func list(_ values: [String]) -> String {
        values.isEmpty ? "-" : values.joined(separator: ",")
    }

    /// One table row for a resource object.
    static func row(_ object: [String: Any], namespaced: Bool) -> [String] {
        let status = object["status"] as? [String: Any]
        var row = [object["name"] as? String ?? "-"]
        if namespaced { row.insert(object["namespace"] as? String ?? "-", at: 0) }
        row += [status?["phase"] as? String ?? "-", "\(object["version"] ?? "-")", age(object["createdAt"] as? String)]
        return row
    }
}
