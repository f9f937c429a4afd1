import Foundation
import HearthCore

/// The record that the root CA's key was exported (`DATA_DIR/ca-key.exported`): when and by
/// whom. The key may be removed from the server only once it exists, so an operator cannot
/// lose the root by removing a key nobody holds.
public struct RootKeyExport: Sendable, Codable, Hashable {
    public var exportedAt: String
    public var exportedBy: String
    /// The fingerprint of the root whose key was exported.
    public var root: String

    public init(exportedAt: String, exportedBy: String, root: String) {
        self.exportedAt = exportedAt
        self.exportedBy = exportedBy
        self.root = root
    }

    static func path(dataDirectory: String) -> String { dataDirectory + "/ca-key.exported" }

    /// The record in `dataDirectory`, if there is a readable one.
    static func read(dataDirectory: String) -> RootKeyExport? {
        guard let data = FileManager.default.contents(atPath: path(dataDirectory: dataDirectory)) else { return nil }
        return try? JSONDecoder().decode(RootKeyExport.self, from: data)
    }

    func write(dataDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try SecretFile.write(String(decoding: try encoder.encode(self), as: UTF8.self) + "\n", to: Self.path(dataDirectory: dataDirectory), mode: 0o600)
    }
}
