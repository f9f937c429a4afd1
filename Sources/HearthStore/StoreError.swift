/// A failure of the storage layer itself (I/O, corruption, a lost database connection): not the
/// caller's fault. The API answers it with 503 and logs the detail.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let file: String
    public let line: Int

    public init(_ message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message }
}
