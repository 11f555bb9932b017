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

    // The opening tags alone: each block ends at the first closing tag after its opening one, as
    // a lazy `(.*?)closer` would match, but found in one pass (the lazy pattern scanned the rest
    // of the text again for every opening left unclosed: seconds for a 64 KiB text).
    private static let spanOpening = try! NSRegularExpression(
        pattern: #"<span\s+(?:lang="([A-Za-z0-9_-]+)"\s+class="multilang"|class="multilang"\s+lang="([A-Za-z0-9_-]+)")\s*>"#,
        options: [.caseInsensitive]
    )
    private static let mlangOpening = try! NSRegularExpression(pattern: #"\{mlang\s+([A-Za-z0-9_,\s-]+)\}"#, options: [.caseInsensitive])

    private typealias Block = (range: Range<String.Index>, text: String, languages: Set<String>)

    /// Every block of `opening … closing`, in order, none inside another.
    private static func blocks(
        in text: String, opening: NSRegularExpression, closing: String, languages: (NSTextCheckingResult) -> Set<String>?
    ) -> [Block] {
        var closings: [Range<String.Index>] = []
        var from = text.startIndex
        while let found = text.range(of: closing, options: .caseInsensitive, range: from..<text.endIndex) {
            closings.append(found)
            from = found.upperBound
        }
        var result: [Block] = []
        var next = 0
        var after = text.startIndex
        for match in opening.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let open = Range(match.range, in: text), open.lowerBound >= after, let codes = languages(match) else { continue }
            while next < closings.count, closings[next].lowerBound < open.upperBound { next += 1 }
            guard next < closings.count else { break }
            let close = closings[next]
            result.append((open.lowerBound..<close.upperBound, String(text[open.upperBound..<close.lowerBound]), codes))
            after = close.upperBound
        }
        return result
    }

    private static func segments(of text: String) -> [Segment] {
        var blocks = Self.blocks(in: text, opening: spanOpening, closing: "</span>") { match in
            let codeRange = match.range(at: 1).location != NSNotFound ? match.range(at: 1) : match.range(at: 2)
            return Range(codeRange, in: text).map { [normalized(text[$0])] }
        }
        // `{mlang}` blocks that overlap a span block are not blocks (both lists are in order).
        let spans = blocks
        var span = 0
        for block in Self.blocks(in: text, opening: mlangOpening, closing: "{mlang}", languages: { match in
            Range(match.range(at: 1), in: text).map { Set(text[$0].split(separator: ",").map { normalized($0) }.filter { !$0.isEmpty }) }
        }) {
            while span < spans.count, spans[span].range.upperBound <= block.range.lowerBound { span += 1 }
            if span < spans.count, spans[span].range.overlaps(block.range) { continue }
            blocks.append(block)
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
