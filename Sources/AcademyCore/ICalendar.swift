public import Foundation

/// An iCalendar (RFC 5545) feed of events, written by hand: text escaped (§3.3.11), lines folded
/// at 75 octets without splitting a UTF-8 character (§3.1), CRLF line ends, times in UTC.
public struct ICalendar: Sendable {
    public struct Event: Sendable, Equatable {
        /// Stable across changes, so a calendar app updates the event it holds.
        public let uid: String
        /// Raised by every change (SEQUENCE), so the app knows which copy is newer.
        public let sequence: Int
        public let start: Date
        /// Nil for a moment (a quiz's closing time).
        public let end: Date?
        public let summary: String
        public let description: String?
        public let url: String?
        public let cancelled: Bool
        /// When the event last changed (LAST-MODIFIED).
        public let modified: Date

        public init(uid: String, sequence: Int, start: Date, end: Date?, summary: String, description: String?, url: String?, cancelled: Bool, modified: Date) {
            self.uid = uid
            self.sequence = sequence
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
            self.url = url
            self.cancelled = cancelled
            self.modified = modified
        }
    }

    public let name: String
    public let events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    public func text(stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Holy Knowledge Academy//Academy//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + Self.escaped(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:" + Self.escaped(event.uid),
                "SEQUENCE:\(event.sequence)",
                "DTSTAMP:" + Self.utc(stamp),
                "LAST-MODIFIED:" + Self.utc(event.modified),
                "DTSTART:" + Self.utc(event.start),
            ]
            if let end = event.end { lines.append("DTEND:" + Self.utc(end)) }
            lines.append("SUMMARY:" + Self.escaped(event.summary))
            if let description = event.description, !description.isEmpty { lines.append("DESCRIPTION:" + Self.escaped(description)) }
            if let url = event.url, !url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                lines.append("URL:" + url)
            }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.folded).joined(separator: "\r\n") + "\r\n"
    }

    /// `20270101T080000Z`.
    static func utc(_ date: Date) -> String {
        let components = Calendar.gregorianUTC.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", components.year ?? 0, components.month ?? 0, components.day ?? 0,
            components.hour ?? 0, components.minute ?? 0, components.second ?? 0
        )
    }

    /// TEXT values: backslash, semicolon and comma escaped, line ends as `\n`, other control
    /// characters dropped (they may not appear in a content line).
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n", "\r": result += "\\n"
            default:
                if scalar.properties.generalCategory == .control { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Lines longer than 75 octets continue on lines that start with a space; split between
    /// Unicode scalars (a grapheme of many combining marks may be longer than a line).
    static func folded(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var currentOctets = 0
        for scalar in line.unicodeScalars {
            let octets = UTF8.width(scalar)
            let limit = pieces.isEmpty ? 75 : 74
            if currentOctets + octets > limit {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
                currentOctets = 0
            }
            current.append(scalar)
            currentOctets += octets
        }
        pieces.append(String(current))
        return pieces.joined(separator: "\r\n ")
    }
}

extension Calendar {
    static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        return calendar
    }()
}
