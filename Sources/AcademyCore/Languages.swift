import Foundation

/// The academy's content languages and the rules for choosing among them.
public enum Languages {
    /// What the academy serves unless `ACADEMY_LANGUAGES` says otherwise.
    public static let academyDefault = ["ar", "en", "fr", "es", "tr", "ur", "ms", "pt"]

    /// Scripts written right to left among the languages an academy might serve.
    static let rightToLeft: Set<String> = ["ar", "ur", "fa", "he", "ps", "sd", "ug", "yi", "dv", "ckb"]

    public enum Direction: String, Sendable, Codable {
        case ltr, rtl
    }

    public static func direction(of language: String) -> Direction {
        rightToLeft.contains(primarySubtag(of: language)) ? .rtl : .ltr
    }

    /// `pt-BR` → `pt`, `AR` → `ar`.
    public static func primarySubtag(of tag: String) -> String {
        String(tag.split(separator: "-", maxSplits: 1).first ?? "").lowercased()
    }

    /// A text in `language`, else in `fallback`: the course's default language, which every text of
    /// a course has (validation requires it). The one rule for every localized title, body, prompt
    /// and option, so a missing translation never shows an arbitrary language.
    public static func text<Text>(_ texts: [String: Text], in language: String, fallback: String) -> Text? {
        texts[language] ?? texts[fallback]
    }

    /// Picks the language to serve, in the contract's order: `?lang=`, then `Accept-Language`
    /// (q-values honoured, `*` accepted, region subtags matched by their language), then the
    /// user's locale, then the content's default. Only languages in `available` are chosen; a
    /// preference that names none of them, or that cannot be parsed, is skipped, never an error.
    public static func negotiate(
        query: String?,
        acceptLanguage: String?,
        userLocale: String?,
        available: [String],
        fallback: String
    ) -> String {
        let availableSet = Set(available)
        func match(_ tag: String) -> String? {
            let primary = primarySubtag(of: tag)
            return availableSet.contains(primary) ? primary : nil
        }
        if let query, let language = match(query) {
            return language
        }
        for preference in parseAcceptLanguage(acceptLanguage ?? "") {
            if preference == "*" {
                return availableSet.contains(fallback) ? fallback : available.first ?? fallback
            }
            if let language = match(preference) {
                return language
            }
        }
        if let userLocale, let language = match(userLocale) {
            return language
        }
        return fallback
    }

    /// The tags of an `Accept-Language` header, most preferred first; entries with q=0 or that do
    /// not parse are dropped (RFC 9110 §12.5.4).
    static func parseAcceptLanguage(_ header: String) -> [String] {
        var weighted: [(tag: String, quality: Double, order: Int)] = []
        for (order, entry) in header.split(separator: ",").prefix(50).enumerated() {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, isLanguageRange(tag) else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
                guard let value = Double(pair[1]), (0...1).contains(value) else {
                    quality = -1
                    break
                }
                quality = value
            }
            if quality > 0 {
                weighted.append((tag, quality, order))
            }
        }
        return weighted.sorted { ($0.quality, -$0.order) > ($1.quality, -$1.order) }.map(\.tag)
    }

    /// `*` or subtags of 1–8 letters and digits joined by hyphens, starting with letters.
    static func isLanguageRange(_ tag: String) -> Bool {
        if tag == "*" { return true }
        let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = subtags.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return subtags.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}
