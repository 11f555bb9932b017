public import AcademyCore
import CCmark
import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lesson Markdown to HTML with cmark-gfm, the CommonMark reference implementation, in its safe
/// mode: raw HTML is omitted and `javascript:`/`vbscript:`/`data:` (non-image) link targets are
/// emptied. GitHub's extensions add tables, strikethrough, autolinks and the tag filter.
public enum MarkdownRenderer {
    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter"]

    /// Longest a render may take before the caller is told to simplify the Markdown.
    public static let timeLimit: Duration = .seconds(2)
    /// Renders that may wait for the rendering thread; beyond, 503 at once.
    static let queueLimit = 64

    /// cmark-gfm keeps the inline parser's table of special characters in a process-wide array
    /// that attaching and freeing extensions (`~` for strikethrough) modifies: two parsers at
    /// once corrupt each other's output. So every render runs on this one serial queue, which
    /// also keeps rendering off the request executor: a slow document delays other renders,
    /// never other requests.
    private static let queue = DispatchQueue(label: "academy.markdown", qos: .utility)
    private static let admitted = Atomic<Int>(0)

    /// Untyped `throws` on purpose: with `throws(AcademyError)` this async function handed its
    /// caller a corrupted error value (Swift 6.3, debug builds), and describing it crashed.
    ///
    /// `linkTargets` rewrites link and image destinations: a lesson's Markdown names its
    /// attachments by file name, and the HTML points at where they are served. A document that
    /// takes longer than `timeLimit` is refused as invalid `field` (its render still finishes on
    /// the rendering queue, which cmark-gfm cannot interrupt; 0.29.0.gfm.13 has no known
    /// super-linear inputs, and bodies are bounded by `CourseRules.bodyMaximumBytes`).
    public static func html(
        from markdown: String, linkTargets: [String: String] = [:], field: String, timeLimit: Duration = timeLimit
    ) async throws -> String {
        let (_, waiting) = admitted.add(1, ordering: .relaxed)
        guard waiting <= queueLimit else {
            admitted.subtract(1, ordering: .relaxed)
            throw AcademyError.unavailable(reason: "Too many lessons are being rendered at once.", retryAfterSeconds: 2)
        }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<String, AcademyError>, Never>) in
            let answer = Mutex<CheckedContinuation<Result<String, AcademyError>, Never>?>(continuation)
            let resume = { @Sendable (result: Result<String, AcademyError>) in
                answer.withLock { pending in
                    pending?.resume(returning: result)
                    pending = nil
                }
            }
            // The limit runs from the render's start, not while it waits its turn. Whichever of
            // the render and the limit comes first answers; the other finds the continuation gone.
            let (seconds, attoseconds) = timeLimit.components
            let milliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
            let limit = DispatchTimeInterval.nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
            queue.async {
                DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
                    resume(.failure(.validationFailed([FieldError(
                        field: field, message: "takes longer than \(milliseconds) ms to render; split the lesson or simplify its Markdown"
                    )])))
                }
                let html = render(markdown, linkTargets: linkTargets)
                admitted.subtract(1, ordering: .relaxed)
                resume(.success(html))
            }
        }
        return try result.get()
    }

    /// The cmark-gfm this program was built with.
    public static var engineVersion: String {
        String(cString: cmark_version_string())
    }

    private static func render(_ markdown: String, linkTargets: [String: String]) -> String {
        registerExtensionsOnce
        // CMARK_OPT_DEFAULT keeps safe mode; CMARK_OPT_UNSAFE must never be added.
        let options = CMARK_OPT_DEFAULT
        guard let parser = cmark_parser_new(options) else {
            preconditionFailure("cmark-gfm could not allocate a parser")
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        var utf8 = Array(markdown.utf8)
        utf8.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parser_feed(parser, chars.baseAddress, chars.count)
            }
        }
        guard let document = cmark_parser_finish(parser) else {
            preconditionFailure("cmark-gfm could not finish parsing")
        }
        defer { cmark_node_free(document) }
        if !linkTargets.isEmpty {
            rewriteLinks(in: document, targets: linkTargets)
        }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            preconditionFailure("cmark-gfm could not render HTML")
        }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    private static func rewriteLinks(in document: OpaquePointer, targets: [String: String]) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE,
                  let url = cmark_node_get_url(node).map({ String(cString: $0) }),
                  let target = targets[url] ?? targets[url.removingPercentEncoding ?? url]
            else { continue }
            cmark_node_set_url(node, target)
        }
    }

    /// cmark-gfm keeps its extension registry in a process-wide list; registering is not
    /// thread-safe, so it happens once, lazily, under Swift's global initialization guarantee.
    private static let registerExtensionsOnce: Void = {
        cmark_gfm_core_extensions_ensure_registered()
    }()
}

extension MarkdownRenderer {
    /// The HTML of each language's Markdown (`field` names a language's text in errors). A text
    /// whose Markdown is the one `earlier` rendered keeps that HTML: an edit renders only what
    /// changed. Lessons, live sessions and announcements store their texts through it.
    public static func html(
        of markdown: [String: String], earlier: [String: (markdown: String, html: String)] = [:], field: (String) -> String
    ) async throws -> [String: String] {
        var html: [String: String] = [:]
        for (language, source) in markdown {
            if let previous = earlier[language], previous.markdown == source {
                html[language] = previous.html
            } else {
                html[language] = try await Self.html(from: source, field: field(language))
            }
        }
        return html
    }
}

extension LessonText {
    /// Titles and Markdown by language as stored texts, each rendered unless `earlier` holds it
    /// rendered already (a lesson's body, an announcement's).
    public static func rendered(
        _ sources: [String: (title: String, text: String)], earlier: [String: LessonText] = [:]
    ) async throws -> [String: LessonText] {
        let html = try await MarkdownRenderer.html(
            of: sources.mapValues(\.text), earlier: earlier.mapValues { ($0.bodyMarkdown, $0.bodyHTML) }, field: { "translations.\($0).body_markdown" }
        )
        return sources.reduce(into: [:]) { texts, entry in
            texts[entry.key] = LessonText(title: entry.value.title, bodyMarkdown: entry.value.text, bodyHTML: html[entry.key] ?? "")
        }
    }
}
