import Foundation

/// HTML from an exchange file (Moodle's question texts) as the plain text the academy's questions
/// hold: paragraphs, line breaks and list items become lines, every tag goes (a script's or a
/// style's content with it), and character references are decoded. What a text said stays;
/// its styling does not.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        var text = html
        for (pattern, replacement) in rules {
            text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: replacement)
        }
        text = decodeReferences(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
        var result: [String] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) {
            result.append(line)
        }
        return result.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let rules: [(NSRegularExpression, String)] = [
        (#"<(script|style)\b[^>]*>.*?</\1\s*>"#, ""),
        (#"<!--.*?-->"#, ""),
        (#"\r\n?|\n"#, " "),
        (#"<br\s*/?>"#, "\n"),
        (#"<li\b[^>]*>"#, "\n• "),
        (#"</(p|div|h[1-6]|li|ul|ol|tr|table|blockquote|pre)\s*>"#, "\n\n"),
        (#"<(p|div|h[1-6]|ul|ol|tr|table|blockquote|pre)\b[^>]*>"#, "\n"),
        (#"</t[dh]\s*>"#, " "),
        (#"<[^>]*>"#, ""),
    ].map { (try! NSRegularExpression(pattern: $0.0, options: [.caseInsensitive, .dotMatchesLineSeparators]), $0.1) }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—", "hellip": "…",
        "laquo": "«", "raquo": "»", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "times": "×", "divide": "÷", "deg": "°",
        "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}",
    ]
    private static let reference = try! NSRegularExpression(pattern: #"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});"#)

    private static func decodeReferences(_ text: String) -> String {
        var result = ""
        var position = text.startIndex
        for match in reference.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text), let nameRange = Range(match.range(at: 1), in: text) else { continue }
            let name = text[nameRange]
            let decoded: String?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
            } else if name.hasPrefix("#") {
                decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
            } else {
                decoded = named[String(name)]
            }
            result += text[position..<range.lowerBound]
            result += decoded ?? String(text[range])
            position = range.upperBound
        }
        return result + text[position...]
    }
}
