extension Duration {
    /// Parses durations such as `250ms`, `10s`, `5m`, `1h`, `1h30m` or `7d`. Returns nil for
    /// anything else, including negative and empty values, and totals beyond `Int64.max`
    /// milliseconds (some 292 million years).
    public static func parse(_ text: String) -> Duration? {
        var totalMilliseconds: Int64 = 0
        var digits = ""
        var sawUnit = false
        var chars = Array(text)
        if chars.isEmpty { return nil }
        var index = 0
        while index < chars.count {
            let c = chars[index]
            if c.isASCII, c.isNumber {
                digits.append(c)
                index += 1
                continue
            }
            guard let amount = Int64(digits), !digits.isEmpty else { return nil }
            digits = ""
            var unit = String(c)
            if c == "m", index + 1 < chars.count, chars[index + 1] == "s" {
                unit = "ms"
                index += 1
            }
            index += 1
            let millisecondsPerUnit: Int64
            switch unit {
            case "ms": millisecondsPerUnit = 1
            case "s": millisecondsPerUnit = 1000
            case "m": millisecondsPerUnit = 60_000
            case "h": millisecondsPerUnit = 3_600_000
            case "d": millisecondsPerUnit = 86_400_000
            default: return nil
            }
            // Checked arithmetic: an absurd amount such as `9223372036854775807d` must not trap.
            let (milliseconds, overflow) = amount.multipliedReportingOverflow(by: millisecondsPerUnit)
            if overflow { return nil }
            let (sum, sumOverflow) = totalMilliseconds.addingReportingOverflow(milliseconds)
            if sumOverflow { return nil }
            totalMilliseconds = sum
            sawUnit = true
        }
        chars.removeAll()
        guard digits.isEmpty, sawUnit else { return nil }
        return .milliseconds(totalMilliseconds)
    }

    /// The duration in (fractional) seconds.
    public var secondsDouble: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
