import ArgumentParser
import Foundation
import HearthClient
import HearthCore
import Yams

/// `hearth apply -f FILE`: creates or replaces the resources a YAML or JSON file describes.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Create or replace resources from a YAML or JSON file.",
        discussion: """
            Each document (YAML documents are separated by ---) names its type, its name, its
            namespace for namespaced types, and the fields to write:

              type: namespaces
              name: demo
              labels: {team: web}
              spec: {description: "Demo apps"}

            A document may also be a list of such maps. JSON (an object, or an array of them)
            is read strictly, as the server reads it. Use -f - to read standard input.
            """)

    @OptionGroup var client: ClientOptions
    @Option(name: [.short, .customLong("filename")], help: "File to apply, or - for standard input.") var file: String
    @Option(name: [.short, .long], help: "Namespace for documents that name none.") var namespace: String?

    func run() async throws {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else { throw CLIFailure("cannot read \(file)") }
            text = contents
        }
        // JSON is read as YAML (a subset of it), but first held to RFC 8259: YAML's flow style
        // takes what JSON refuses, such as a trailing comma, and the server would refuse it.
        if let first = text.utf8.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            do {
                _ = try JSONParser.parse(text)
            } catch {
                throw CLIFailure("\(file) is not valid JSON: \(error)")
            }
        }
        var documents: [[String: Any]] = []
        do {
            // Yams' load_all sequence keeps a parse error to itself: read root by root instead.
            // A document is a map, or a list of maps.
            let parser = try Parser(yaml: text)
            while let root = try parser.nextRoot() {
                let objects = root.any as? [Any] ?? [root.any]
                for object in objects {
                    guard let object = object as? [String: Any] else {
                        throw CLIFailure("every document in \(file) must be a map (or a list of maps)")
                    }
                    documents.append(object)
                }
            }
        } catch let error as CLIFailure {
            throw error
        } catch {
            throw CLIFailure("\(file) is not valid YAML or JSON: \(error)")
        }
        if documents.isEmpty { throw CLIFailure("\(file) holds no documents") }
        let api = try await client.client()
        let paths = try await ResourcePaths.load(api)
        var failures = 0
        for var document in documents {
            guard let typeName = document["type"] as? String else { throw CLIFailure("a document has no 'type'") }
            guard let name = document["name"] as? String else { throw CLIFailure("a \(typeName) document has no 'name'") }
            let info = try paths.type(typeName)
            document["type"] = info.name
            let ns = document["namespace"] as? String ?? namespace
            if info.scope == "namespaced" { document["namespace"] = ns }
            let body = try JSONSerialization.data(withJSONObject: Output.normalize(document))
            do {
                let (status, _, _) = try await api.send(.PUT, try paths.item(info, namespace: ns, name: name), body: body)
                print("\(info.name)/\(name) \(status == 201 ? "created" : "applied")")
            } catch let error as HearthAPIError {
                failures += 1
                FileHandle.standardError.write(Data("\(info.name)/\(name): \(error)\n".utf8))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
