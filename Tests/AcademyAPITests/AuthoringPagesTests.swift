import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import AcademyWeb

@Suite struct AuthoringPagesTests {
    let english: HTTPFields = [.acceptLanguage: "en"]

    @Test func instructorsWriteACourseInTwoLanguagesSideBySideAndPublishIt() async throws {
        try await TestApp.withApp { client, dependencies in
            let teacherAccount = try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")

            // Every language is a column typed in its own direction, the main language first.
            let blank = try await teacher.get("/teach/new", headers: english)
            #expect(blank.status == .ok)
            #expect(blank.text.contains(#"<textarea id="body-ar" name="body-ar" lang="ar" dir="rtl""#))
            #expect(blank.text.contains(#"<input id="title-en" name="title-en" lang="en" dir="ltr""#))

            // What the rules refuse comes back beside the fields, with what was typed, and nothing is stored.
            let refused = try await teacher.post("/teach/new", form: [
                "csrf": teacher.csrf, "slug": "Bad Slug", "default_language": "ar", "title-en": "Tajweed basics", "enrollment_mode": "open",
            ], headers: english)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("<code>slug</code>") && refused.text.contains("<code>translations.ar</code> is required"))
            #expect(refused.text.contains(#"value="Tajweed basics""#))
            #expect(refused.text.contains(#"id="slug" name="slug""#) && refused.text.contains(#"aria-invalid="true""#))
            let unreadable = try await teacher.post("/teach/new", form: [
                "csrf": teacher.csrf, "slug": "tajweed-basics", "default_language": "ar", "title-ar": "أساسيات التجويد",
                "enrollment_mode": "open", "capacity": "thirty",
            ], headers: english)
            #expect(unreadable.status == .unprocessableContent)
            #expect(unreadable.text.contains("<code>enrollment.capacity</code> must be a whole number"))
            #expect(try await dependencies.courses.taught(by: teacherAccount.id, page: PageRequest(limitParameter: nil, cursorParameter: nil)).items.isEmpty)

            let created = try await teacher.post("/teach/new", form: [
                "csrf": teacher.csrf, "slug": "tajweed-basics", "default_language": "ar",
                "title-ar": "أساسيات التجويد", "body-ar": "مدخل إلى أحكام التلاوة",
                "title-en": "Tajweed basics", "body-en": "An introduction",
                "enrollment_mode": "key", "enrollment_key": "noon-sakinah", "capacity": "٣٠",
                "starts_at": "2027-03-01T09:30",
            ], headers: english)
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/teach/tajweed-basics")
            var course = try #require(try await dependencies.courses.find(.slug("tajweed-basics"), for: teacherAccount.id)).course
            #expect(course.status == .draft)
            #expect(course.translations["ar"]?.title == "أساسيات التجويد" && course.translations["en"]?.summary == "An introduction")
            #expect(Set(course.translations.keys) == ["ar", "en"])
            #expect(course.enrollmentMode == .key && course.hasEnrollmentKey && course.capacity == 30)
            // The teacher's time zone is UTC: the form's local time is that instant.
            #expect(course.startsAt == ISO8601DateFormatter().date(from: "2027-03-01T09:30:00Z"))

            let taken = try await teacher.post("/teach/new", form: [
                "csrf": teacher.csrf, "slug": "tajweed-basics", "default_language": "en", "title-en": "Again", "enrollment_mode": "open",
            ], headers: english)
            #expect(taken.status == .unprocessableContent)
            #expect(taken.text.contains("already exists"))

            // Settings keep the key when its field is left empty.
            let settings = try await teacher.get("/teach/tajweed-basics/settings", headers: english)
            #expect(settings.text.contains(#"value="tajweed-basics""#) && settings.text.contains(#"value="2027-03-01T09:30""#))
            #expect(!settings.text.contains("noon-sakinah"))
            #expect(try await teacher.post("/teach/tajweed-basics/settings", form: [
                "csrf": teacher.csrf, "slug": "tajweed-basics", "default_language": "ar", "title-ar": "أساسيات التجويد",
                "title-en": "Basics of tajweed", "enrollment_mode": "key", "capacity": "",
            ], headers: english).status == .seeOther)
            course = try #require(try await dependencies.courses.find(.slug("tajweed-basics"), for: teacherAccount.id)).course
            #expect(course.translations["en"]?.title == "Basics of tajweed" && course.hasEnrollmentKey && course.capacity == nil && course.startsAt == nil)

            // A module, then a lesson in two languages: previewed (nothing stored), then saved.
            try await teacher.get("/teach/tajweed-basics", headers: english)
            let moduleRefused = try await teacher.post("/teach/tajweed-basics/modules", form: ["csrf": teacher.csrf, "title-en": "Only English"], headers: english)
            #expect(moduleRefused.status == .unprocessableContent && moduleRefused.text.contains("<code>translations.ar</code>"))
            let moduleAdded = try await teacher.post("/teach/tajweed-basics/modules", form: [
                "csrf": teacher.csrf, "title-ar": "النون الساكنة", "title-en": "Noon sakinah",
            ], headers: english)
            #expect(moduleAdded.status == .seeOther)
            let module = try #require(try await dependencies.content.modules(of: course.id).first)
            #expect(module.titles == ["ar": "النون الساكنة", "en": "Noon sakinah"])

            let lessonForm = try await teacher.get("/teach/tajweed-basics/lessons/new?module=\(module.id.apiString)", headers: english)
            #expect(lessonForm.text.contains(#"<option value="\#(module.id.apiString)" selected>"#))
            var lesson = [
                "csrf": teacher.csrf, "module_id": module.id.apiString,
                "title-ar": "الإظهار", "body-ar": "**الإظهار** هو النطق بالحرف",
                "title-en": "Izhar", "body-en": "*Izhar* means pronouncing clearly",
                "intent": "preview",
            ]
            let preview = try await teacher.post("/teach/tajweed-basics/lessons/new", form: lesson, headers: english)
            #expect(preview.status == .ok)
            #expect(preview.text.contains("<strong>الإظهار</strong>") && preview.text.contains("<em>Izhar</em>"))
            #expect(try await dependencies.content.lessons(of: course.id).isEmpty)
            // The preview is the renderer students get: raw HTML never reaches the page.
            lesson["body-en"] = "*Izhar* <script>alert(1)</script>"
            let unsafe = try await teacher.post("/teach/tajweed-basics/lessons/new", form: lesson, headers: english)
            #expect(unsafe.status == .ok && unsafe.text.contains("<em>Izhar</em>") && !unsafe.text.contains("<script>alert"))
            lesson["body-en"] = "*Izhar* means pronouncing clearly"
            lesson["title-ar"] = ""
            lesson["intent"] = "save"
            let incomplete = try await teacher.post("/teach/tajweed-basics/lessons/new", form: lesson, headers: english)
            #expect(incomplete.status == .unprocessableContent && incomplete.text.contains("<code>translations.ar.title</code>"))
            #expect(try await dependencies.content.lessons(of: course.id).isEmpty)
            lesson["title-ar"] = "الإظهار"
            let saved = try await teacher.post("/teach/tajweed-basics/lessons/new", form: lesson, headers: english)
            #expect(saved.status == .seeOther)
            let stored = try #require(try await dependencies.content.lessons(of: course.id).first)
            #expect(saved.headers[.location] == "/teach/lessons/\(stored.id.apiString)?saved=1")
            #expect(stored.translations["ar"]?.bodyHTML.contains("<strong>الإظهار</strong>") == true)
            #expect(stored.translations["en"]?.bodyMarkdown == "*Izhar* means pronouncing clearly")

            // Editing shows the Markdown as typed; an edit is stored.
            let editing = try await teacher.get("/teach/lessons/\(stored.id.apiString)?saved=1", headers: english)
            #expect(editing.text.contains("Saved.") && editing.text.contains("*Izhar* means pronouncing clearly</textarea>"))
            lesson["csrf"] = teacher.csrf
            lesson["title-en"] = "Izhar (clear pronunciation)"
            lesson["position"] = "1"
            #expect(try await teacher.post("/teach/lessons/\(stored.id.apiString)", form: lesson, headers: english).status == .seeOther)
            #expect(try await dependencies.content.lesson(stored.id)?.translations["en"]?.title == "Izhar (clear pronunciation)")

            // Deleting asks for its own tick; a module that still holds a lesson stays.
            let unconfirmed = try await teacher.post("/teach/lessons/\(stored.id.apiString)/delete", form: ["csrf": teacher.csrf], headers: english)
            #expect(unconfirmed.status == .unprocessableContent && unconfirmed.text.contains("<code>confirm</code>"))
            #expect(try await dependencies.content.lesson(stored.id) != nil)
            try await teacher.get("/teach/modules/\(module.id.apiString)", headers: english)
            let occupied = try await teacher.post("/teach/modules/\(module.id.apiString)/delete", form: ["csrf": teacher.csrf, "confirm": "on"], headers: english)
            #expect(occupied.status == .unprocessableContent)
            #expect(try await dependencies.content.module(module.id) != nil)

            // Coverage names what is missing; publishing makes the course public.
            let editor = try await teacher.get("/teach/tajweed-basics", headers: english)
            #expect(editor.text.contains("Missing languages") && editor.text.contains("Français"))
            #expect(editor.text.components(separatedBy: "<table").count == 2)
            #expect(editor.text.contains("Izhar (clear pronunciation)"))
            #expect(try await teacher.post("/teach/tajweed-basics/status", form: ["csrf": teacher.csrf, "status": "published"]).status == .seeOther)
            #expect(try await dependencies.courses.find(.slug("tajweed-basics"), for: nil)?.course.status == .published)
            let catalogue = try await teacher.get("/", headers: english)
            #expect(catalogue.text.contains("Basics of tajweed"))

            try await teacher.get("/teach/lessons/\(stored.id.apiString)")
            #expect(try await teacher.post("/teach/lessons/\(stored.id.apiString)/delete", form: ["csrf": teacher.csrf, "confirm": "on"]).status == .seeOther)
            #expect(try await dependencies.content.lesson(stored.id) == nil)
            #expect(try await teacher.post("/teach/modules/\(module.id.apiString)/delete", form: ["csrf": teacher.csrf, "confirm": "on"]).status == .seeOther)
            #expect(try await dependencies.content.module(module.id) == nil)
        }
    }

    @Test func onlyTheCoursesInstructorsReachItsEditor() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            try await dependencies.makeUser("other@example.org", role: .instructor, name: "Other")
            let token = try await client.login("teacher@example.org")
            let (module, lesson) = try await client.makeCourse(token: token, publish: true)

            var student = TestBrowser(client)
            try await student.signUp("amina@example.org")
            #expect(try await student.get("/teach/new").status == .forbidden)
            #expect(try await student.post("/teach/new", form: ["csrf": student.csrf, "slug": "mine", "default_language": "en", "title-en": "Mine"]).status == .forbidden)
            #expect(try await student.get("/teach/arabic-script").status == .forbidden)
            try await student.get("/my/courses")
            #expect(try await student.post("/teach/arabic-script/status", form: ["csrf": student.csrf, "status": "draft"]).status == .forbidden)
            #expect(try await student.get("/teach/lessons/\(lesson)").status == .forbidden)
            #expect(try await student.get("/teach/modules/\(module)").status == .forbidden)

            var other = TestBrowser(client)
            try await other.signIn("other@example.org")
            #expect(try await other.get("/teach/arabic-script").status == .forbidden)
            #expect(try await other.post("/teach/arabic-script/modules", form: ["csrf": other.csrf, "title-ar": "وحدة"]).status == .forbidden)
            #expect(try await dependencies.courses.find(.slug("arabic-script"), for: nil)?.course.status == .published)

            var anonymous = TestBrowser(client)
            let signIn = try await anonymous.get("/teach/arabic-script")
            #expect(signIn.status == .seeOther && signIn.headers[.location]?.hasPrefix("/sign-in") == true)
        }
    }

    @Test func instructorsUploadALessonFolderOrZipAndAttachFiles() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let token = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: token)
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            let lessonsBefore = try await dependencies.content.lessons(of: course.id).count

            // A folder as Chromium sends it (paths under the folder's name), with an empty second input.
            try await teacher.get("/teach/arabic-script/lessons/upload?module=\(module)")
            let folder = try await teacher.postFiles("/teach/arabic-script/lessons/upload", [
                ("ba/ar.md", Array(LessonUploadTests.arabic.utf8)), ("ba/en.md", Array(LessonUploadTests.english.utf8)),
                ("ba/attachments/ورقة.pdf", LessonUploadTests.pdf), ("ba/attachments/ba.png", LessonUploadTests.png), ("", []),
            ], fields: [("csrf", teacher.csrf), ("module_id", module), ("position", "")])
            #expect(folder.status == .seeOther, "\(folder.text)")
            let lessons = try await dependencies.content.lessons(of: course.id)
            #expect(lessons.count == lessonsBefore + 1)
            let uploaded = try #require(lessons.first { $0.translations["en"]?.title == "Ba" })
            let files = try await dependencies.attachments.attachments(of: uploaded.id)
            #expect(Set(files.map(\.filename)) == ["ورقة.pdf", "ba.png"])
            #expect(folder.headers[.location] == "/teach/lessons/\(uploaded.id.apiString)?saved=1")

            // A zip chosen in the form is that zip's lesson.
            try await teacher.get("/teach/arabic-script/lessons/upload")
            let zip = try LessonUploadTests.zip([("ta/ar.md", Array(LessonUploadTests.arabic.utf8)), ("ta/attachments/ورقة.pdf", LessonUploadTests.pdf), ("ta/attachments/ba.png", LessonUploadTests.png)])
            let zipped = try await teacher.postFiles("/teach/arabic-script/lessons/upload", [("", []), ("ta.zip", zip)], fields: [("csrf", teacher.csrf), ("module_id", module)])
            #expect(zipped.status == .seeOther, "\(zipped.text)")
            #expect(try await dependencies.content.lessons(of: course.id).count == lessonsBefore + 2)

            // A broken file is reported by file and line, with the form kept; nothing is stored.
            try await teacher.get("/teach/arabic-script/lessons/upload")
            let broken = try await teacher.postFiles("/teach/arabic-script/lessons/upload", [("x/ar.md", Array("no front matter".utf8))], fields: [("csrf", teacher.csrf), ("module_id", module)])
            #expect(broken.status == .unprocessableContent)
            #expect(broken.text.contains("<code>files.ar.md</code> line 1"))
            #expect(broken.text.contains(#"<option value="\#(module)" selected>"#))
            #expect(try await dependencies.content.lessons(of: course.id).count == lessonsBefore + 2)

            // An attachment added to a lesson; without this browser's token nothing is kept.
            try await teacher.get("/teach/lessons/\(uploaded.id.apiString)")
            let attached = try await teacher.postFiles("/teach/lessons/\(uploaded.id.apiString)/attachments", [("notes.pdf", LessonUploadTests.pdf)], fields: [("csrf", teacher.csrf)])
            #expect(attached.status == .seeOther)
            #expect(try await dependencies.attachments.attachments(of: uploaded.id).map(\.filename).contains("notes.pdf"))
            let forged = try await teacher.postFiles("/teach/lessons/\(uploaded.id.apiString)/attachments", [("forged.pdf", LessonUploadTests.pdf)], fields: [("csrf", "not-a-token")])
            #expect(forged.status == .forbidden)
            let unsupported = try await teacher.postFiles("/teach/lessons/\(uploaded.id.apiString)/attachments", [("tool.exe", [0x4D, 0x5A])], fields: [("csrf", teacher.csrf)])
            #expect(unsupported.status == .unprocessableContent && unsupported.text.contains("must be a file named"))
            let names = try await dependencies.attachments.attachments(of: uploaded.id).map(\.filename)
            #expect(!names.contains("forged.pdf") && !names.contains("tool.exe"))
            let editor = try await teacher.get("/teach/lessons/\(uploaded.id.apiString)", headers: english)
            #expect(editor.text.contains("<bdi>notes.pdf</bdi>"))

            // Students reach none of it: for them a draft course does not exist.
            var student = TestBrowser(client)
            try await student.signUp("amina@example.org")
            #expect(try await student.get("/teach/arabic-script/lessons/upload").status == .notFound)
            #expect(try await student.postFiles("/teach/lessons/\(uploaded.id.apiString)/attachments", [("x.pdf", LessonUploadTests.pdf)], fields: [("csrf", student.csrf)]).status == .notFound)
            #expect(try await dependencies.attachments.attachments(of: uploaded.id).count == names.count)
        }
    }
}
