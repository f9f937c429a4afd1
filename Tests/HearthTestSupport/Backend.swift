import Foundation
import Testing

/// The storage backends every store test runs against.
public enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The backends to test: both, unless `HEARTH_SKIP_POSTGRES=1` leaves PostgreSQL out.
    public static var enabled: [Backend] {
        ProcessInfo.processInfo.environment["HEARTH_SKIP_POSTGRES"] == "1" ? [.sqlite] : allCases
    }

    public var testDescription: String { rawValue }
}
