extension Duration {
    /// Parses durations such as `250ms`, `10s`, `5m`, `1h`, `1h30m` or `7d`. Returns nil for
    /// anything else, including negative and empty values.
    public static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
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
            switch unit {
            case "ms": total += .milliseconds(amount)
            case "s": total += .seconds(amount)
            case "m": total += .seconds(amount * 60)
            case "h": total += .seconds(amount * 3600)
            case "d": total += .seconds(amount * 86400)
            default: return nil
            }
            sawUnit = true
        }
        chars.removeAll()
        guard digits.isEmpty, sawUnit else { return nil }
        return total
    }

    /// The duration in (fractional) seconds.
    public var secondsDouble: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
