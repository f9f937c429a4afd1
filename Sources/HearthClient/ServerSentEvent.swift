import Foundation

/// One event of a `text/event-stream`.
public struct ServerSentEvent: Sendable, Equatable {
    public var id: String?
    public var event: String
    public var data: String
}

/// Splits a `text/event-stream` into events as chunks arrive (comments are skipped).
public struct ServerSentEventParser: Sendable {
    private var pending = ""

    public init() {}

    public mutating func feed(_ text: String) -> [ServerSentEvent] {
        pending += text
        var events: [ServerSentEvent] = []
        while let range = pending.range(of: "\n\n") {
            let block = pending[..<range.lowerBound]
            pending = String(pending[range.upperBound...])
            var event = ServerSentEvent(id: nil, event: "message", data: "")
            var dataLines: [Substring] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { continue }
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let field = parts[0]
                var value = parts.count > 1 ? parts[1] : ""
                if value.hasPrefix(" ") { value = value.dropFirst() }
                switch field {
                case "id": event.id = String(value)
                case "event": event.event = String(value)
                case "data": dataLines.append(value)
                default: break
                }
            }
            if dataLines.isEmpty { continue }
            event.data = dataLines.joined(separator: "\n")
            events.append(event)
        }
        return events
    }
}
