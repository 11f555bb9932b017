import AcademyCore
import Foundation
import Synchronization

/// Lessons as their readers get them (texts, files, course, schedule), each with the content
/// version of its course it was read at. A kept lesson is only ever handed out after the
/// database said, in the same query as the caller's standing, that its course's content is still
/// at that version (migration 0018 bumps it with every change, in the changing transaction), so
/// a lesson is never staler here than a fresh read, on any instance, and nothing needs to be
/// told to forget. It spares each read most of its query: the lesson read was the most expensive
/// hot path, and PostgreSQL spent about half its time there setting up the plan of the lesson's
/// texts, files, course and schedule (perf: `standard_ExecutorStart`).
///
/// Bounded by the UTF-8 bytes of the texts it holds: a lesson bigger than an eighth of the budget
/// is not kept, and when the next one does not fit it starts over, which costs one full read per
/// lesson in use.
final class LessonCache: Sendable {
    struct Entry: Sendable {
        let contentVersion: Int64
        let lesson: Lesson
        let attachments: [Attachment]
        let course: Course
        let schedule: [ItemLocking.Item]
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    let budgetBytes: Int

    init(budgetBytes: Int = 64 << 20) {
        self.budgetBytes = budgetBytes
    }

    func entry(for lessonID: UUID) -> Entry? {
        state.withLock { $0.entries[lessonID] }
    }

    func store(_ entry: Entry) {
        let bytes = Self.bytes(of: entry)
        guard bytes <= budgetBytes / 8 else { return }
        state.withLock { state in
            if let replaced = state.entries[entry.lesson.id] {
                // A read that started before a change may finish after the read of the change.
                guard replaced.contentVersion < entry.contentVersion else { return }
                state.bytes -= Self.bytes(of: replaced)
            }
            if state.bytes + bytes > budgetBytes {
                state = State()
            }
            state.entries[entry.lesson.id] = entry
            state.bytes += bytes
        }
    }

    /// What an entry's strings and arrays take, near enough to bound the whole.
    static func bytes(of entry: Entry) -> Int {
        let texts = entry.lesson.translations.reduce(0) { sum, text in
            sum + text.key.utf8.count + text.value.title.utf8.count + text.value.bodyMarkdown.utf8.count + text.value.bodyHTML.utf8.count
        }
        let files = entry.attachments.reduce(0) { $0 + 128 + $1.filename.utf8.count + $1.contentType.utf8.count }
        let course = entry.course.translations.reduce(256) { $0 + $1.key.utf8.count + $1.value.title.utf8.count + $1.value.summary.utf8.count }
        return 256 + texts + files + course + entry.schedule.count * 48
    }
}
