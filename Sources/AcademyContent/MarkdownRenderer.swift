import CCmark
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

    /// `linkTargets` rewrites link and image destinations: a lesson's Markdown names its
    /// attachments by file name, and the HTML points at where they are served.
    public static func html(from markdown: String, linkTargets: [String: String] = [:]) -> String {
        // cmark-gfm keeps the inline parser's table of special characters in a process-wide array
        // that attaching and freeing extensions (`~` for strikethrough) modifies: two parsers at
        // once corrupt each other's output. Rendering is serialized; it takes microseconds.
        renderLock.withLock { _ in render(markdown, linkTargets: linkTargets) }
    }

    private static let renderLock = Mutex<Void>(())

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
