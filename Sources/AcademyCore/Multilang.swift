import Foundation

/// Moodle's two ways of writing one text in several languages, read into one text per language:
/// `<span lang="ar" class="multilang">…</span>` runs (the multilang filter) and
/// `{mlang ar}…{mlang}` blocks (multilang2, where `{mlang other}` is for every other language and
/// `{mlang en,fr}` for several). Text outside any block belongs to every language. Language
/// codes are reduced to their primary subtag (`pt_br` is `pt`).
public enum Multilang {
    /// nil when the text has no language block: it is one text, in the file's language.
    /// `fallback` is the language an `{mlang other}` block stands for when no block names it.
    public static func translations(of text: String, fallback: String) -> [String: String]? {
        let segments = segments(of: text)
        let named = Set(segments.flatMap { $0.languages ?? [] })
        guard segments.contains(where: { $0.languages != nil }) else { return nil }
        let hasOther = segments.contains { $0.languages == ["other"] }
        var languages = named.subtracting(["other"])
        if hasOther { languages.insert(fallback) }
        var result: [String: String] = [:]
        for language in languages {
            let explicit = named.contains(language)
            let parts = segments.compactMap { segment -> String? in
                guard let tags = segment.languages else { return segment.text }
                if tags.contains(language) { return segment.text }
                return tags == ["other"] && !explicit ? segment.text : nil
            }
            let joined = parts.joined().trimmingCharacters(in: .whitespacesAndNewlines)
            if !joined.isEmpty { result[language] = joined }
        }
        return result
    }

    /// A run of text and the languages it is for (nil: all).
    private struct Segment {
        let text: String
        let languages: Set<String>?
    }

    private static let span = try! NSRegularExpression(
        pattern: #"<span\s+(?:lang="([A-Za-z0-9_-]+)"\s+class="multilang"|class="multilang"\s+lang="([A-Za-z0-9_-]+)")\s*>(.*?)</span>"#,
        options: [.dotMatchesLineSeparators, .caseInsensitive]
    )
    private static let mlang = try! NSRegularExpression(
        pattern: #"\{mlang\s+([A-Za-z0-9_,\s-]+)\}(.*?)\{mlang\}"#,
        options: [.dotMatchesLineSeparators, .caseInsensitive]
    )

    private static func segments(of text: String) -> [Segment] {
        let whole = NSRange(text.startIndex..., in: text)
        var blocks: [(range: Range<String.Index>, text: String, languages: Set<String>)] = []
        for match in span.matches(in: text, range: whole) {
            let codeRange = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
            guard let range = Range(match.range, in: text), let code = Range(codeRange, in: text), let inner = Range(match.range(at: 3), in: text) else { continue }
            blocks.append((range, String(text[inner]), [normalized(text[code])]))
        }
        for match in mlang.matches(in: text, range: whole) {
            guard let range = Range(match.range, in: text), let codes = Range(match.range(at: 1), in: text), let inner = Range(match.range(at: 2), in: text),
                  !blocks.contains(where: { $0.range.overlaps(range) })
            else { continue }
            let languages = Set(text[codes].split(separator: ",").map { normalized($0) }.filter { !$0.isEmpty })
            blocks.append((range, String(text[inner]), languages))
        }
        blocks.sort { $0.range.lowerBound < $1.range.lowerBound }
        var segments: [Segment] = []
        var position = text.startIndex
        for block in blocks {
            segments.append(Segment(text: String(text[position..<block.range.lowerBound]), languages: nil))
            segments.append(Segment(text: block.text, languages: block.languages))
            position = block.range.upperBound
        }
        segments.append(Segment(text: String(text[position...]), languages: nil))
        return segments
    }

    private static func normalized(_ code: some StringProtocol) -> String {
        let trimmed = code.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed == "other" ? trimmed : Languages.primarySubtag(of: trimmed.replacingOccurrences(of: "_", with: "-"))
    }
}
