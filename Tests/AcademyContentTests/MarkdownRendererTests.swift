import AcademyContent
import Testing

@Suite struct MarkdownRendererTests {
    @Test func rendersGitHubFlavouredMarkdown() {
        let html = MarkdownRenderer.html(from: "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ and https://example.org")
        #expect(html.contains("<table>"))
        #expect(html.contains("<del>old</del>"))
        #expect(html.contains(#"<a href="https://example.org">"#))
    }

    @Test func keepsRightToLeftTextIntact() {
        let html = MarkdownRenderer.html(from: "# الدرس الأول\n\nبِسْمِ اللَّهِ — **مرحبا** بكم")
        #expect(html.contains("<h1>الدرس الأول</h1>"))
        #expect(html.contains("بِسْمِ اللَّهِ — <strong>مرحبا</strong> بكم"))
    }

    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<svg onload=alert(1)>",
        "<body onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "[x](  javascript:alert(1)  )",
        "[x](java\u{0}script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](javascript&colon;alert(1))",
        "![x](javascript:alert(1))",
        "<https://ok.example/\" onmouseover=\"alert(1)>",
        "[x]: javascript:alert(1)\n\n[click][x]",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "| a |\n|---|\n| <script>alert(1)</script> |",
        "~~<img src=x onerror=alert(1)>~~",
    ])
    func dropsActiveContent(payload: String) {
        let html = MarkdownRenderer.html(from: payload).lowercased()
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror="))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("vbscript:"))
        #expect(!html.contains("data:text/html"))
        #expect(!html.contains("<iframe"))
        #expect(!html.contains("<svg"))
        #expect(!html.contains("<object"))
        #expect(!html.contains("<embed"))
        #expect(!html.contains("<form"))
        #expect(!html.contains("<meta"))
        #expect(!html.contains("onload="))
        #expect(!html.contains("onmouseover=\""))
        #expect(!html.contains("style="))
    }
}
