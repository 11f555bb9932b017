import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import AcademyWeb

/// A browser over the test client: keeps cookies, reads each page's form token, posts forms.
struct TestBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var lastPage = ""

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    var csrf: String {
        guard let range = lastPage.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return "" }
        return String(lastPage[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    @discardableResult
    mutating func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: path, method: .get, headers: headers, body: nil)
        remember(response)
        lastPage = response.text
        return response
    }

    @discardableResult
    mutating func post(_ path: String, form: [String: String], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        try await post(path, fields: form.map { ($0.key, $0.value) }, headers: extra)
    }

    /// A form whose fields may repeat (checkboxes), in order.
    @discardableResult
    mutating func post(_ path: String, fields: [(String, String)], headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        headers[.contentType] = "application/x-www-form-urlencoded"
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    /// A `multipart/form-data` form (file uploads), built by `LessonUploadTests.multipart`.
    @discardableResult
    mutating func postFiles(_ path: String, _ files: [(String, [UInt8])], fields: [(String, String)]) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=AcademyBoundary42", .acceptLanguage: "en"]
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: path, method: .post, headers: headers, body: LessonUploadTests.multipart(files, fields: fields))
        remember(response)
        return response
    }

    private var cookieHeader: String {
        cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    private mutating func remember(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || field.value.contains("Max-Age=0") {
                cookies[name] = nil
            } else {
                cookies[name] = value
            }
        }
    }

    /// Signs in through the form; records a failure when it does not succeed.
    mutating func signIn(_ email: String) async throws {
        try await get("/sign-in")
        let response = try await post("/sign-in", form: ["csrf": csrf, "email": email, "password": goodPassword, "next": "/my/courses"])
        #expect(response.status == .seeOther, "\(response.text)")
    }

    /// Signs up through the form and follows the redirect; records a failure otherwise.
    mutating func signUp(_ email: String, name: String = "Amina") async throws {
        try await get("/sign-up")
        let response = try await post("/sign-up", form: ["csrf": csrf, "name": name, "email": email, "password": goodPassword])
        #expect(response.status == .seeOther, "\(response.text)")
        #expect(response.headers[.location] == "/my/courses")
    }
}

@Suite struct WebPagesTests {
    @Test func everyInterfaceLanguageHasEveryString() async throws {
        let resources = try await SiteResources.load()
        let english = try #require(resources.strings["en"])
        for language in SiteResources.interfaceLanguages {
            let strings = try #require(resources.strings[language], "\(language)")
            #expect(Set(strings.keys) == Set(english.keys), "\(language) differs from en")
            #expect(strings.values.allSatisfy { !$0.isEmpty }, "\(language) has an empty string")
        }
    }

    @Test func pagesAreRightToLeftInArabicAndCarryTheirSecurityHeaders() async throws {
        try await TestApp.run { client in
            var browser = TestBrowser(client)
            let arabic = try await browser.get("/", headers: [.acceptLanguage: "ar"])
            #expect(arabic.status == .ok)
            #expect(arabic.text.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.headers[.contentLanguage] == "ar")
            let policy = try #require(arabic.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline") && policy.contains("frame-ancestors 'none'"))
            #expect(arabic.headers[.cacheControl] == "no-store")
            #expect(!arabic.text.contains("<script>") && !arabic.text.contains(" style="))
            let english = try await browser.get("/", headers: [.acceptLanguage: "en-GB,en;q=0.8"])
            #expect(english.text.contains(#"<html lang="en" dir="ltr">"#))
            #expect(english.text.contains("Holy Knowledge Academy"))
        }
    }

    @Test func pagesAndAssetsAreGzippedAndAssetsCachedForAYear() async throws {
        try await TestApp.run { client in
            var browser = TestBrowser(client)
            let page = try await browser.get("/", headers: [.acceptEncoding: "gzip, br"])
            #expect(page.headers[.contentEncoding] == "gzip")
            #expect(Array(page.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
            let plain = try await browser.get("/", headers: [.acceptEncoding: "gzip;q=0"])
            #expect(plain.headers[.contentEncoding] == nil)
            let stylesheet = try #require(plain.text.range(of: #"/assets/academy\.[0-9a-f]{12}\.css"#, options: .regularExpression))
            let css = try await browser.get(String(plain.text[stylesheet]), headers: [.acceptEncoding: "gzip"])
            #expect(css.status == .ok)
            #expect(css.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(css.headers[.contentEncoding] == "gzip")
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await browser.get("/assets/academy.000000000000.css").status == .notFound)
        }
    }

    @Test func signingUpSignsInAndSigningOutEndsTheSessionForTheAPIToo() async throws {
        try await TestApp.run { client in
            var browser = TestBrowser(client)
            try await browser.signUp("amina@example.org")
            let token = try #require(browser.cookies["academy_session"])
            let mine = try await browser.get("/my/courses", headers: [.acceptLanguage: "en"])
            #expect(mine.status == .ok)
            #expect(mine.text.contains("Amina"))
            // The cookie holds the API's own session token.
            #expect(try await client.send(.get, "/api/v1/me", token: token).status == .ok)
            let signOut = try await browser.post("/sign-out", form: ["csrf": browser.csrf])
            #expect(signOut.status == .seeOther)
            #expect(browser.cookies["academy_session"] == nil)
            #expect(try await client.send(.get, "/api/v1/me", token: token).status == .unauthorized)
            let after = try await browser.get("/my/courses")
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/sign-in?next=/my/courses")
        }
    }

    @Test func formsWithoutThisBrowsersTokenChangeNothing() async throws {
        try await TestApp.withApp { client, dependencies in
            var browser = TestBrowser(client)
            try await browser.get("/sign-up")
            let stolen = browser.csrf
            var other = TestBrowser(client)
            try await other.get("/sign-up")
            for (form, headers) in [
                (["csrf": "", "name": "Eve", "email": "eve@example.org", "password": goodPassword], HTTPFields()),
                (["csrf": stolen, "name": "Eve", "email": "eve@example.org", "password": goodPassword], HTTPFields()),
                (["csrf": other.csrf, "name": "Eve", "email": "eve@example.org", "password": goodPassword], [.init("Sec-Fetch-Site")!: "cross-site"]),
            ] {
                let refused = try await other.post("/sign-up", form: form, headers: headers)
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.contentType] == "text/html; charset=utf-8")
            }
            #expect(try await dependencies.accounts.users.find(email: "eve@example.org") == nil)
        }
    }

    @Test func studentsEnrolWithTheCourseRulesAndSeeWhyNot() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher, publish: true)
            var body = arabicScript
            body["slug"] = "tajwid"
            _ = try await client.makeCourse(body, token: teacher, publish: true)
            #expect(try await client.send(.patch, "/api/v1/courses/tajwid", json: ["enrollment": ["mode": "key", "key": "open sesame"]], token: teacher).status == .ok)

            var browser = TestBrowser(client)
            let anonymous = try await browser.get("/courses/arabic-script", headers: [.acceptLanguage: "en"])
            #expect(anonymous.text.contains(#"href="/sign-in?next=/courses/arabic-script""#))
            try await browser.signUp("amina@example.org")
            let course = try await browser.get("/courses/arabic-script", headers: [.acceptLanguage: "en"])
            #expect(course.text.contains(#"<article lang="en" dir="ltr">"#))
            let enrolled = try await browser.post("/courses/arabic-script/enrol", form: ["csrf": browser.csrf])
            #expect(enrolled.status == .seeOther)
            let after = try await browser.get("/courses/arabic-script", headers: [.acceptLanguage: "ar"])
            #expect(after.text.contains("أنت مسجّل في هذه الدورة."))
            #expect(after.text.contains(#"<article lang="ar" dir="rtl">"#))

            try await browser.get("/courses/tajwid", headers: [.acceptLanguage: "en"])
            let wrong = try await browser.post("/courses/tajwid/enrol", form: ["csrf": browser.csrf, "key": "guess"], headers: [.acceptLanguage: "en"])
            #expect(wrong.status == .forbidden)
            #expect(wrong.text.contains("The enrolment key is wrong."))
            #expect(wrong.text.contains(#"name="key""#))
            try await browser.get("/courses/tajwid")
            #expect(try await browser.post("/courses/tajwid/enrol", form: ["csrf": browser.csrf, "key": "open sesame"]).status == .seeOther)

            let mine = try await browser.get("/my/courses", headers: [.acceptLanguage: "en"])
            #expect(mine.text.contains(#"href="/courses/arabic-script""#) && mine.text.contains(#"href="/courses/tajwid""#))
            let student = try #require(try await dependencies.accounts.users.find(email: "amina@example.org"))
            let stored = try await dependencies.enrollments.enrollments(of: student.id)
            #expect(stored.map(\.enrollment.status) == [.active, .active])
        }
    }

    @Test func studentsReadLessonsRightToLeftPlayTheirAudioAndMarkThemDone() async throws {
        try await TestFileStore.folder.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, dependencies in
                try await dependencies.makeUser("teacher@example.org", role: .instructor)
                let teacher = try await client.login("teacher@example.org")
                let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)
                let audio = Array("ID3".utf8) + Array(repeating: UInt8(9), count: 4_000)
                let uploaded = try await AttachmentTests().upload(client, lesson: lesson, bytes: audio, type: "audio/mpeg", name: "تلاوة.mp3", token: teacher)
                #expect(uploaded.status == .created, "\(uploaded.text)")
                let attachment = try #require(uploaded.json["id"] as? String)

                var browser = TestBrowser(client)
                try await browser.signUp("amina@example.org")
                let outsider = try await browser.get("/lessons/\(lesson)", headers: [.acceptLanguage: "en"])
                #expect(outsider.status == .forbidden)
                #expect(try await browser.get("/attachments/\(attachment)").status == .forbidden)
                try await browser.get("/courses/arabic-script")
                #expect(try await browser.post("/courses/arabic-script/enrol", form: ["csrf": browser.csrf]).status == .seeOther)

                let course = try await browser.get("/courses/arabic-script", headers: [.acceptLanguage: "en"])
                #expect(course.text.contains(#"<a href="/lessons/\#(lesson)" lang="en" dir="ltr">Alif</a>"#))
                let page = try await browser.get("/lessons/\(lesson)", headers: [.acceptLanguage: "ar"])
                #expect(page.status == .ok)
                #expect(page.text.contains(#"<article class="lesson" lang="ar" dir="rtl">"#))
                #expect(page.text.contains("أول <strong>الحروف</strong>"))
                #expect(page.text.contains(#"<audio controls preload="none" src="/attachments/\#(attachment)"></audio>"#))
                // An Arabic lesson inside an English interface keeps its own direction.
                browser.cookies["academy_lang"] = "en"
                let mixed = try await browser.get("/lessons/\(lesson)", headers: [.acceptLanguage: "ar"])
                #expect(mixed.text.contains(#"<html lang="en" dir="ltr">"#))
                #expect(mixed.text.contains(#"<article class="lesson" lang="en" dir="ltr">"#))
                browser.cookies["academy_lang"] = nil

                let range = try await browser.get("/attachments/\(attachment)", headers: [.range: "bytes=0-2"])
                #expect(range.status == .partialContent)
                #expect(String(buffer: range.body) == "ID3")
                #expect(range.headers[.contentRange] == "bytes 0-2/4003")

                try await browser.get("/lessons/\(lesson)")
                let done = try await browser.post("/lessons/\(lesson)/complete", form: ["csrf": browser.csrf])
                #expect(done.status == .seeOther)
                let after = try await browser.get("/lessons/\(lesson)", headers: [.acceptLanguage: "en"])
                #expect(after.text.contains("You completed this lesson."))
                #expect(!after.text.contains("/complete"))
                let student = try #require(try await dependencies.accounts.users.find(email: "amina@example.org"))
                let progress = try await dependencies.enrollments.enrollments(of: student.id).first?.progress
                #expect(progress == CourseProgress(completedLessons: 1, totalLessons: 1))
                let mine = try await browser.get("/my/courses")
                #expect(mine.text.contains(#"<progress max="1" value="1">"#))

                // The last lesson finished the course: its certificate, verifiable by anyone.
                let certificates = try await browser.get("/my/certificates", headers: [.acceptLanguage: "en"])
                let link = try #require(certificates.text.range(of: #"/certificates/[0-9a-f-]{36}"#, options: .regularExpression))
                var stranger = TestBrowser(client)
                let verified = try await stranger.get(String(certificates.text[link]), headers: [.acceptLanguage: "en"])
                #expect(verified.status == .ok)
                #expect(verified.text.contains("This certificate is genuine"))
                #expect(verified.text.contains("Amina"))
                #expect(try await stranger.get("/certificates/\(UUID().uuidString.lowercased())").status == .notFound)
            }
        }
    }

    @Test func quizzesAreTakenInThePageAutosavedWithSeqAndSubmitted() async throws {
        try await TestApp.withApp { client, dependencies in
            let scene = try await client.courseScene(app: dependencies)
            let quiz = try await client.makeQuiz(module: scene.module, token: scene.teacher, [
                "time_limit_seconds": 600, "review": "after_submit",
                "questions": [
                    ["id": "q1", "kind": "single_choice", "points": 2,
                     "translations": ["ar": ["prompt": "ما أول حرف؟", "options": [["id": "a", "text": "ب"], ["id": "b", "text": "أ"]]],
                                      "en": ["prompt": "Which letter is first?", "options": [["id": "a", "text": "Ba"], ["id": "b", "text": "Alif"]]]],
                     "answer": ["option_id": "b"]],
                    ["id": "q2", "kind": "true_false", "points": 1,
                     "translations": ["ar": ["prompt": "يكتب العربي من اليمين"], "en": ["prompt": "Arabic is written right to left"]],
                     "answer": ["value": true]],
                    ["id": "q3", "kind": "short_text", "points": 1,
                     "translations": ["ar": ["prompt": "اسم الحرف الأول"], "en": ["prompt": "Name the first letter"]],
                     "answer": ["accepted": ["alif"]]],
                    ["id": "q4", "kind": "multiple_choice", "points": 1,
                     "translations": ["ar": ["prompt": "أيها حروف؟", "options": [["id": "x", "text": "ب"], ["id": "y", "text": "ت"], ["id": "z", "text": "٣"]]],
                                      "en": ["prompt": "Which are letters?", "options": [["id": "x", "text": "Ba"], ["id": "y", "text": "Ta"], ["id": "z", "text": "3"]]]],
                     "answer": ["option_ids": ["x", "y"]]],
                    ["id": "q5", "kind": "numeric", "points": 1,
                     "translations": ["ar": ["prompt": "كم نقطة في الثاء؟"], "en": ["prompt": "How many dots has Tha?"]],
                     "answer": ["value": 3, "tolerance": 0]],
                ],
            ])
            var browser = TestBrowser(client)
            try await browser.signIn("amina@example.org")
            let page = try await browser.get("/quizzes/\(quiz)", headers: [.acceptLanguage: "ar"])
            #expect(page.text.contains(#"action="/quizzes/\#(quiz)/start""#))
            let started = try await browser.post("/quizzes/\(quiz)/start", form: ["csrf": browser.csrf])
            #expect(started.status == .seeOther)
            let location = try #require(started.headers[.location])
            let attemptID = String(location.dropFirst("/attempts/".count))

            let form = try await browser.get(location, headers: [.acceptLanguage: "ar"])
            #expect(form.status == .ok)
            #expect(form.text.contains(#"data-seconds-left="599""#) || form.text.contains(#"data-seconds-left="600""#))
            #expect(form.text.contains(#"role="timer""#))
            for id in ["q1", "q2", "q3", "q4", "q5"] {
                #expect(form.text.contains(#"data-question="\#(id)" data-seq="0""#), "\(id)")
            }
            #expect(form.text.contains(#"<fieldset class="question" data-question="q1" data-seq="0" data-kind="single_choice" lang="ar" dir="rtl">"#))
            #expect(!form.text.contains("option_id") && !form.text.contains("accepted"))

            // The script's autosave: one question, its seq; an older seq never overwrites.
            let saved = try await browser.post("/attempts/\(attemptID)/answers/q1", form: ["csrf": browser.csrf, "seq": "2", "q-q1": "b"])
            #expect(saved.status == .ok)
            #expect(saved.text == #"{"seq":2}"#)
            let stale = try await browser.post("/attempts/\(attemptID)/answers/q1", form: ["csrf": browser.csrf, "seq": "1", "q-q1": "a"])
            #expect(stale.text == #"{"seq":2}"#)
            #expect(try await browser.post("/attempts/\(attemptID)/answers/q9", form: ["csrf": browser.csrf, "seq": "1", "q-q9": "a"]).status == .notFound)
            #expect(try await browser.post("/attempts/\(attemptID)/answers/q1", form: ["csrf": "forged", "seq": "3", "q-q1": "a"]).status == .forbidden)

            // Without the script: the whole form, Arabic digits in the number, one unreadable.
            try await browser.get(location)
            let unreadable = try await browser.post(location, form: ["csrf": browser.csrf, "q-q1": "b", "q-q2": "true", "q-q5": "ثلاث", "action": "save"], headers: [.acceptLanguage: "en"])
            #expect(unreadable.status == .unprocessableContent)
            #expect(unreadable.text.contains("Enter a number"))
            var fields = "csrf=\(browser.csrf.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            fields += "&q-q3=alif&present-q4=1&q-q4=x&q-q4=y&q-q5=%D9%A3&action=save"
            let whole = try await client.execute(
                uri: location, method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")],
                body: ByteBuffer(string: fields)
            )
            #expect(whole.status == .seeOther)
            #expect(whole.headers[.location] == "\(location)?saved=1")
            let reloaded = try await browser.get(location, headers: [.acceptLanguage: "en"])
            #expect(reloaded.text.contains(#"name="q-q1" value="b" checked"#))
            #expect(reloaded.text.contains(#"name="q-q4" value="x" checked"#) && reloaded.text.contains(#"name="q-q4" value="y" checked"#))
            #expect(reloaded.text.contains(#"name="present-q4""#))
            #expect(reloaded.text.contains(#"name="q-q2" value="true" checked"#))
            #expect(reloaded.text.contains(#"name="q-q3" value="alif""#))
            #expect(reloaded.text.contains(#"name="q-q5" value="3""#))
            #expect(reloaded.text.contains(#"data-question="q2" data-seq="1""#))

            let stored = try await client.send(.get, "/api/v1/attempts/\(attemptID)", token: scene.amina)
            let answers = (stored.json["answers"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { $0[$1["question_id"] as? String ?? ""] = $1["seq"] as? Int }
            #expect(answers == ["q1": 2, "q2": 1, "q3": 1, "q4": 1, "q5": 1])

            try await browser.get(location)
            let submitted = try await browser.post(location, form: ["csrf": browser.csrf, "action": "submit"])
            #expect(submitted.status == .seeOther)
            let result = try await browser.get(location, headers: [.acceptLanguage: "en"])
            #expect(result.text.contains("Your answers were submitted."))
            #expect(result.text.contains("6 / 6 (100%)"))
            #expect(!result.text.contains("<form class=\"attempt\""))
            let after = try await client.send(.get, "/api/v1/attempts/\(attemptID)", token: scene.amina)
            #expect(after.json["state"] as? String == "submitted")
            #expect(after.json["score"] as? Double == 6)
        }
    }

    @Test func anonymousVisitorsAreSentToSignInAndTheirFormsRefused() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor)
            let (_, lesson) = try await client.makeCourse(token: try await client.login("teacher@example.org"), publish: true)
            var browser = TestBrowser(client)
            let id = UUID().uuidString.lowercased()
            for path in ["/my/courses", "/lessons/\(lesson)", "/attempts/\(id)"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path) answered \(response.status)")
                #expect(response.headers[.location] == "/sign-in?next=\(path)", "\(path)")
            }
            // Ids that name nothing are not found, signed in or not.
            for path in ["/lessons/\(id)", "/quizzes/\(id)", "/attachments/\(id)"] {
                #expect(try await browser.get(path).status == .notFound, "\(path)")
            }
            for path in ["/sign-out", "/courses/arabic-script/enrol", "/lessons/\(id)/complete", "/quizzes/\(id)/start", "/attempts/\(id)", "/attempts/\(id)/answers/q1"] {
                let response = try await browser.post(path, form: ["seq": "1"])
                #expect(response.status == .forbidden, "\(path) answered \(response.status)")
            }
            try await browser.get("/sign-in")
            // The autosave takes only a session's token (a visitor's is refused): its page reloads and signs in.
            #expect(try await browser.post("/attempts/\(id)/answers/q1", form: ["csrf": browser.csrf, "seq": "1"]).status == .forbidden)
            for path in ["/courses/arabic-script/enrol", "/lessons/\(id)/complete", "/quizzes/\(id)/start", "/attempts/\(id)"] {
                let response = try await browser.post(path, form: ["csrf": browser.csrf, "seq": "1"])
                #expect([.seeOther, .notFound].contains(response.status), "\(path) answered \(response.status)")
                if response.status == .seeOther {
                    #expect(response.headers[.location]?.hasPrefix("/sign-in?next=") == true, "\(path)")
                }
            }
        }
    }

    @Test func instructorsApproveOrDeclineWaitingStudentsFromTheRoster() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let token = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: token, publish: true)
            _ = try await client.makeQuiz(module: module, token: token)
            #expect(try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "approval"]], token: token).status == .ok)

            var amina = TestBrowser(client)
            try await amina.signUp("amina@example.org")
            #expect(!amina.lastPage.contains(#"href="/teach""#))
            try await amina.get("/courses/arabic-script")
            #expect(try await amina.post("/courses/arabic-script/enrol", form: ["csrf": amina.csrf]).status == .seeOther)
            var yusuf = TestBrowser(client)
            try await yusuf.signUp("yusuf@example.org", name: "Yusuf")
            try await yusuf.get("/courses/arabic-script")
            #expect(try await yusuf.post("/courses/arabic-script/enrol", form: ["csrf": yusuf.csrf]).status == .seeOther)
            #expect(try await amina.get("/teach/arabic-script/roster").status == .forbidden)

            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            let teaching = try await teacher.get("/teach", headers: [.acceptLanguage: "en"])
            #expect(teaching.text.contains(#"href="/teach/arabic-script/roster?status=pending""#))
            let waiting = try await teacher.get("/teach/arabic-script/roster?status=pending", headers: [.acceptLanguage: "en"])
            #expect(waiting.status == .ok)
            #expect(waiting.text.contains("Amina") && waiting.text.contains("Yusuf"))
            let student = try #require(try await dependencies.accounts.users.find(email: "amina@example.org"))
            let other = try #require(try await dependencies.accounts.users.find(email: "yusuf@example.org"))
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            let aminaEnrollment = try #require(try await dependencies.enrollments.find(userID: student.id, courseID: course.id))
            let yusufEnrollment = try #require(try await dependencies.enrollments.find(userID: other.id, courseID: course.id))
            #expect(waiting.text.contains(#"action="/teach/enrollments/\#(aminaEnrollment.id.apiString)""#))

            // A student cannot approve themself, not even with a valid form token.
            try await amina.get("/my/courses")
            #expect(try await amina.post("/teach/enrollments/\(aminaEnrollment.id.apiString)", form: ["csrf": amina.csrf, "status": "active"]).status == .forbidden)
            #expect(try await teacher.post("/teach/enrollments/\(aminaEnrollment.id.apiString)", form: ["csrf": teacher.csrf, "status": "dropped"]).status == .unprocessableContent)

            let back = "/teach/arabic-script/roster?status=pending"
            let approved = try await teacher.post("/teach/enrollments/\(aminaEnrollment.id.apiString)", form: ["csrf": teacher.csrf, "status": "active", "back": back])
            #expect(approved.status == .seeOther)
            #expect(approved.headers[.location] == back)
            let declined = try await teacher.post("/teach/enrollments/\(yusufEnrollment.id.apiString)", form: ["csrf": teacher.csrf, "status": "rejected", "back": back])
            #expect(declined.status == .seeOther)
            #expect(try await dependencies.enrollments.find(aminaEnrollment.id)?.status == .active)
            #expect(try await dependencies.enrollments.find(yusufEnrollment.id)?.status == .rejected)
            let empty = try await teacher.get(back, headers: [.acceptLanguage: "en"])
            #expect(empty.text.contains("No one here yet."))
            let everyone = try await teacher.get("/teach/arabic-script/roster", headers: [.acceptLanguage: "en"])
            #expect(everyone.text.contains("Enrolled") && everyone.text.contains("Declined"))
            #expect(everyone.text.components(separatedBy: "<table").count == 2, "one table of two rows")

            // The gradebook: the API's reader as a table, and its CSV.
            let gradebook = try await teacher.get("/teach/arabic-script/gradebook", headers: [.acceptLanguage: "en"])
            #expect(gradebook.status == .ok)
            #expect(gradebook.text.contains("Letters quiz") && gradebook.text.contains("(required)"))
            #expect(gradebook.text.contains("Amina") && gradebook.text.contains("not attempted"))
            #expect(gradebook.text.components(separatedBy: "<table").count == 2, "one table of two rows")
            let csv = try await teacher.get("/teach/arabic-script/gradebook.csv", headers: [.acceptLanguage: "en"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("\u{FEFF}email,display_name,status,lessons_percent,Letters quiz (%)"))
            #expect(csv.text.contains("amina@example.org"))
            #expect(try await amina.get("/teach/arabic-script/gradebook").status == .forbidden)
            #expect(try await amina.get("/teach/arabic-script/gradebook.csv").status == .forbidden)
        }
    }

    @Test func errorsAreReadablePagesInTheChosenLanguage() async throws {
        try await TestApp.run { client in
            var browser = TestBrowser(client)
            let missing = try await browser.get("/courses/no-such-course", headers: [.acceptLanguage: "fr"])
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(missing.text.contains("Cette page n&#39;existe pas."))
            #expect(!missing.text.contains("\"status\""))
            let nowhere = try await browser.get("/no/such/page", headers: [.accept: "text/html,application/xhtml+xml", .acceptLanguage: "es"])
            #expect(nowhere.status == .notFound)
            #expect(nowhere.text.contains("Esta página no existe."))
            let wrongMethod = try await client.execute(uri: "/sign-in", method: .delete, headers: [.accept: "text/html", .acceptLanguage: "en"], body: nil)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, HEAD, POST")
            #expect(wrongMethod.text.contains("This page does not take that kind of request."))
            let apiClient = try await client.execute(uri: "/no/such/page", method: .get, headers: [:], body: nil)
            #expect(apiClient.status == .notFound)
            #expect(apiClient.headers[.contentType] == "application/problem+json")
            let api = try await browser.get("/api/v1/no-such-resource", headers: [.accept: "text/html"])
            #expect(api.headers[.contentType] == "application/problem+json")
            let wrongPassword = try await browser.get("/sign-in")
            #expect(wrongPassword.status == .ok)
            let refused = try await browser.post("/sign-in", form: ["csrf": browser.csrf, "email": "nobody@example.org", "password": "wrong password"])
            #expect(refused.status == .unauthorized)
            let tooLong = try await browser.get("/?q=" + String(repeating: "a", count: 201))
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.text.contains("<html"))
        }
    }

    @Test func theLanguageSwitchRemembersTheChoiceAndStaysOnThisSite() async throws {
        try await TestApp.run { client in
            var browser = TestBrowser(client)
            let chosen = try await browser.get("/language?lang=ur&back=/sign-in")
            #expect(chosen.status == .seeOther)
            #expect(chosen.headers[.location] == "/sign-in")
            #expect(browser.cookies["academy_lang"] == "ur")
            let page = try await browser.get("/sign-in", headers: [.acceptLanguage: "en"])
            #expect(page.text.contains(#"<html lang="ur" dir="rtl">"#))
            for back in ["//evil.example/", "https://evil.example/", "/\\evil.example", "/%0d%0aSet-Cookie:x=1"] {
                let escaped = back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await browser.get("/language?lang=en&back=\(escaped)")
                #expect(response.headers[.location] == "/" || response.headers[.location] == back && back.hasPrefix("/%"), "\(back)")
            }
            #expect(try await browser.get("/language?lang=xx&back=/").status == .seeOther)
            #expect(browser.cookies["academy_lang"] == "en")
        }
    }

    @Test func contentCanBeReadInAnotherLanguageThanTheInterface() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            _ = try await client.makeCourse(token: try await client.login("teacher@example.org"), publish: true)
            var browser = TestBrowser(client)
            let english = try await browser.get("/language?lang=en&content=&back=/")
            #expect(english.headers[.location] == "/")
            var page = try await browser.get("/")
            #expect(page.text.contains(#"<html lang="en" dir="ltr">"#) && page.text.contains(#"<li class="card" lang="en" dir="ltr">"#))
            try await browser.get("/language?lang=en&content=ar&back=/")
            #expect(browser.cookies["academy_content"] == "ar")
            page = try await browser.get("/")
            #expect(page.text.contains(#"<html lang="en" dir="ltr">"#) && page.text.contains(#"<li class="card" lang="ar" dir="rtl">"#))
            #expect(page.text.contains(#"<option value="ar" lang="ar" selected>"#))
            // A language the academy does not offer changes nothing; "" follows the interface again.
            try await browser.get("/language?content=xx&back=/")
            #expect(browser.cookies["academy_content"] == "ar")
            try await browser.get("/language?content=&back=/")
            #expect(browser.cookies["academy_content"] == nil)
            page = try await browser.get("/")
            #expect(page.text.contains(#"<li class="card" lang="en" dir="ltr">"#))
        }
    }
}
