import Foundation

/// RFC 4180 fields: commas inside quotes, doubled quotes for a quote.
public enum CSV {
    public static func fields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = Array(line).makeIterator()
        while let character = characters.next() {
            switch (character, quoted) {
            case ("\"", true):
                if let next = characters.next() {
                    if next == "\"" { current.append("\"") } else {
                        quoted = false
                        if next == "," { fields.append(current); current = "" } else { current.append(next) }
                    }
                } else {
                    quoted = false
                }
            case ("\"", false) where current.isEmpty:
                quoted = true
            case (",", false):
                fields.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// Fields that a spreadsheet would run as a formula (a display name of `=HYPERLINK(…)`)
    /// get a leading apostrophe, as OWASP advises for CSV exports.
    public static func line(_ fields: [String]) -> String {
        fields.map { raw in
            let field = raw.first.map { "=+-@\t\r".contains($0) } == true ? "'" + raw : raw
            return
field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                : field
        }.joined(separator: ",")
    }

    /// A whole file: UTF-8 with a byte-order mark (so spreadsheets show Arabic names) and CRLF
    /// line ends, as RFC 4180 asks.
    public static func document(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map(line).joined(separator: "\r\n") + "\r\n"
    }
}
