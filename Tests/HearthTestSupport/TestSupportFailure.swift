/// A test setup step that went wrong, with what the test saw.
public struct TestSupportFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
