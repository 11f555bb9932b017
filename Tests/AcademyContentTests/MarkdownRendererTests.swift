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
    ])
    func dropsActiveContent(payload: String) {
        let html = MarkdownRenderer.html(from: payload).lowercased()
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror="))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("vbscript:"))
        #expect(!html.contains("data:text/html"))
        #expect(!html.contains("<iframe"))
    }
}
