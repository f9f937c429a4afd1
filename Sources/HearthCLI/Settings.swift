import ArgumentParser
import Foundation
import Yams

/// Merges flag, environment and config-file values, in that order of precedence.
struct Settings {
    private var file: [String: String] = [:]

    init(configFile: String?) throws {
        guard let configFile else { return }
        guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
            throw ValidationError("cannot read the config file \(configFile)")
        }
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("the config file \(configFile) is not valid YAML or JSON: \(error)")
        }
        guard let map = parsed as? [String: Any] else {
            throw ValidationError("the config file \(configFile) must be a map of setting names to values")
        }
        for (key, value) in map {
            switch value {
            case let list as [Any]: file[key] = list.map { "\($0)" }.joined(separator: ",")
            default: file[key] = "\(value)"
            }
        }
    }

    func value(_ flag: String?, env: String, key: String) -> String? {
        if let flag { return flag }
        if let value = ProcessInfo.processInfo.environment[env], !value.isEmpty { return value }
        return file[key]
    }

    func int(_ flag: Int?, env: String, key: String) throws -> Int? {
        if let flag { return flag }
        guard let text = value(nil, env: env, key: key) else { return nil }
        guard let number = Int(text) else { throw ValidationError("\(key) must be an integer, not '\(text)'") }
        return number
    }
}
