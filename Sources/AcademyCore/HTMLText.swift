import Foundation

/// HTML from an exchange file (Moodle's question texts) as the plain text the academy's questions
/// hold: paragraphs, line breaks and list items become lines, every tag goes (a script's or a
/// style's content with it), and character references are decoded. What a text said stays;
/// its styling does not.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html }
        let text = decodeReferences(strippingTags(html))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
        var result: [String] = []
        for line in lines where !(line.isEmpty && (result.last?.isEmpty ?? true)) {
            result.append(line)
        }
        return result.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let blocks: Set<String> = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "blockquote", "pre"]

    /// The text between the tags (its own line breaks as spaces, as HTML reads them), with line
    /// breaks for `<br>` and blocks and a bullet per list item. One pass: every search for the
    /// end of a tag, comment or script either moves past what it found or ends the text, so a
    /// text of unclosed `<script>`s or `<!--`s costs no more than any other (lazy regular
    /// expressions took seconds on 64 KiB of them).
    private static func strippingTags(_ html: String) -> String {
        var result = ""
        var rest = Substring(html)
        func text(_ part: Substring) {
            result += part.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        while let open = rest.firstIndex(of: "<") {
            text(rest[..<open])
            let tag = rest[open...]
            if tag.hasPrefix("<!--") {
                // An unclosed comment hides the rest, as in a browser.
                guard let end = tag.range(of: "-->") else { return result }
                rest = tag[end.upperBound...]
                continue
            }
            guard let close = tag.firstIndex(of: ">") else {
                // A `<` that opens no tag is text.
                text(tag)
                return result
            }
            let inside = tag[tag.index(after: tag.startIndex)..<close]
            rest = tag[tag.index(after: close)...]
            let closing = inside.hasPrefix("/")
            let name = (closing ? inside.dropFirst() : inside).prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }.lowercased()
            if !closing, name == "script" || name == "style" {
                // Their content is no text; unclosed, they hide the rest.
                guard let end = rest.range(of: "</\(name)", options: .caseInsensitive), let after = rest[end.upperBound...].firstIndex(of: ">") else {
                    return result
                }
                rest = rest[rest.index(after: after)...]
                continue
            }
            switch name {
            case "br": result += "\n"
            case "li" where !closing: result += "\n• "
            case "td", "th": if closing { result += " " }
            case _ where blocks.contains(name): result += closing ? "\n\n" : "\n"
            default: break
            }
        }
        text(rest)
        return result
    }

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
