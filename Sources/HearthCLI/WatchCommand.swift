import ArgumentParser
import Foundation
import HearthClient

/// `hearth watch TYPE`: prints changes as they happen.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print changes to resources of a type as they happen.",
        discussion: "Reconnects after a dropped connection from the last revision it printed, so no change is missed.")

    @OptionGroup var client: ClientOptions
    @Argument(help: "Resource type.") var type: String
    @Option(name: [.short, .long], help: "Namespace (omit for every namespace).") var namespace: String?
    @Option(name: .long, help: "Start after this store revision (default: now).") var revision: Int64?
    @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector.") var selector: String?
    @Option(name: [.short, .long], help: "table (one line per change) or json (one event per line).") var output: OutputFormat = .table

    func run() async throws {
        let api = try await client.client()
        let paths = try await ResourcePaths.load(api)
        let info = try paths.type(type)
        var last = revision
        while true {
            var query = [URLQueryItem(name: "watch", value: "true")]
            if let last { query.append(URLQueryItem(name: "revision", value: String(last))) }
            if let selector { query.append(URLQueryItem(name: "labelSelector", value: selector)) }
            var components = URLComponents()
            components.queryItems = query
            do {
                try await api.events(paths.collection(info, namespace: namespace) + "?" + (components.percentEncodedQuery ?? "")) { event in
                    if event.event == "error" {
                        FileHandle.standardError.write(Data("watch: \(event.data)\n".utf8))
                        return
                    }
                    if let id = event.id, let r = Int64(id) { last = r }
                    if output == .table {
                        let object = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])?["object"] as? [String: Any] ?? [:]
                        let ns = (object["namespace"] as? String).map { "\($0)/" } ?? ""
                        let phase = (object["status"] as? [String: Any])?["phase"] as? String ?? "-"
                        print("\(event.id ?? "-")\t\(event.event)\t\(ns)\(object["name"] ?? "")\t\(phase)")
                    } else {
                        print(event.data)
                    }
                    fflush(nil)
                }
            } catch let error as HearthAPIError where error.status > 0 {
                throw error
            } catch {
                FileHandle.standardError.write(Data("watch: connection lost (\(error)); resuming after revision \(last.map(String.init) ?? "now")\n".utf8))
            }
            try await Task.sleep(for: .seconds(1))
        }
    }
}
