import Foundation

/// A meeting service's participants report as CSV: Zoom's ("User Email", "Duration (Minutes)",
/// after a few lines about the meeting in some exports, one row per join), BigBlueButton's
/// ("Email", "Duration" as H:MM:SS) or any sheet with an email and a minutes column.
public struct ParticipantsReport: Sendable, Equatable {
    public struct Attendee: Sendable, Equatable {
        /// Normalized (`AccountRules.normalizedEmail`).
        public let email: String
        /// Minutes present, every row of the person added up.
        public let minutes: Int
        /// The lines of the rows that named the person (1-based, as an editor numbers them).
        public let lines: [Int]
    }

    /// A row that was not read, with why.
    public struct Problem: Sendable, Equatable {
        public let line: Int
        public let email: String
        public let reason: String

        public init(line: Int, email: String, reason: String) {
            self.line = line
            self.email = email
            self.reason = reason
        }
    }

    public static let maximumBytes = 2 * 1024 * 1024
    public static let maximumRows = 20_000

    public let attendees: [Attendee]
    public let problems: [Problem]

    /// Reads the report; a file without a recognizable header, or too big, is refused whole.
    public init(_ text: String) throws(AcademyError) {
        guard text.utf8.count <= Self.maximumBytes else { throw .payloadTooLarge(limit: Self.maximumBytes) }
        // "\r\n" is one Character in Swift: normalize line ends before splitting.
        let lines = text.replacingOccurrences(of: "\u{FEFF}", with: "").replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count <= Self.maximumRows + 20 else {
            throw .malformedRequest("A participants report holds at most \(Self.maximumRows) rows.")
        }
        guard let (headerIndex, emailColumn, minutesColumn) = Self.header(in: lines) else {
            throw .validationFailed([FieldError(field: "csv", message: "needs a header row with an email column and a duration or minutes column, as Zoom and BigBlueButton export")])
        }
        var totals: [String: (minutes: Int, lines: [Int])] = [:]
        var order: [String] = []
        var problems: [Problem] = []
        for (index, line) in lines.enumerated().dropFirst(headerIndex + 1) {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let number = index + 1
            let fields = CSV.fields(line)
            let rawEmail = emailColumn < fields.count ? fields[emailColumn] : ""
            let rawMinutes = minutesColumn < fields.count ? fields[minutesColumn] : ""
            guard case .success(let email) = AccountRules.email(rawEmail) else {
                problems.append(Problem(line: number, email: String(rawEmail.prefix(254)), reason: rawEmail.isEmpty ? "no email" : "not an email address"))
                continue
            }
            guard let minutes = Self.minutes(rawMinutes) else {
                problems.append(Problem(line: number, email: email, reason: "the duration \(String(rawMinutes.prefix(40)).debugDescription) is not minutes or H:MM:SS"))
                continue
            }
            if totals[email] == nil { order.append(email) }
            totals[email, default: (0, [])].minutes += minutes
            totals[email, default: (0, [])].lines.append(number)
        }
        attendees = order.map { email in
            let total = totals[email] ?? (0, [])
            return Attendee(email: email, minutes: min(total.minutes, 100_000), lines: total.lines)
        }
        self.problems = problems
    }

    /// The last of the first 20 lines that names both columns: Zoom puts a line about the meeting
    /// above the participants, whose own header names the host's email and the meeting's duration.
    private static func header(in lines: [String]) -> (line: Int, email: Int, minutes: Int)? {
        for (index, line) in lines.prefix(20).enumerated().reversed() {
            let names = CSV.fields(line).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
            guard let email = names.firstIndex(where: { $0 == "email" || $0.hasSuffix(" email") || $0 == "e-mail" }),
                  let minutes = names.firstIndex(where: { $0.contains("minutes") || $0.hasPrefix("duration") || $0.hasPrefix("total duration") })
            else { continue }
            return (index, email, minutes)
        }
        return nil
    }

    /// Whole or decimal minutes (`45`, `12.5`, rounded up), or a duration `H:MM:SS` / `MM:SS`.
    static func minutes(_ raw: String) -> Int? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 16 else { return nil }
        if text.contains(":") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            let values = parts.compactMap { $0 }
            let seconds = values.count == 3 ? values[0] * 3600 + values[1] * 60 + values[2] : values[0] * 60 + values[1]
            return (seconds + 59) / 60
        }
        guard let value = Double(text), value.isFinite, value >= 0, value <= 100_000 else { return nil }
        return Int(value.rounded(.up))
    }
}
