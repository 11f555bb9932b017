public import Foundation

/// Timestamps as the API writes them: RFC 3339 in UTC, whole seconds (`2026-11-07T09:00:00Z`).
/// Reading also accepts fractional seconds and numeric offsets.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        date.formatted(.iso8601)
    }

    public static func date(from string: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(string) {
            return date
        }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string)
    }
}
