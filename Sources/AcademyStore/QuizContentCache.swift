import AcademyCore
import Foundation
import Synchronization

/// Decoded quiz content by (quiz, version). A stored version never changes (an edit makes a new
/// version; nothing updates `quiz_versions`), so every instance may keep what it has read without
/// any invalidation across instances. Every answer save and submit needs its attempt's questions:
/// this spares each of them reading and decoding the whole quiz. Bounded: when full it starts
/// over, which costs one read per quiz in use.
final class QuizContentCache: Sendable {
    struct Key: Hashable {
        let quizID: UUID
        let version: Int
    }

    private struct State {
        var contents: [Key: QuizContent] = [:]
        /// The newest version seen of each quiz, the one a quiz read most likely wants.
        var newest: [UUID: Int] = [:]
        /// Settings change in place, so they are kept with the text they were decoded from: a
        /// read that finds the same text takes them, any other decodes afresh.
        var settings: [UUID: (text: String, settings: QuizSettings)] = [:]
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 1_000) {
        self.capacity = capacity
    }

    func content(of quizID: UUID, version: Int) -> QuizContent? {
        state.withLock { $0.contents[Key(quizID: quizID, version: version)] }
    }

    /// The newest version of a quiz held here, with its content.
    func newest(of quizID: UUID) -> (version: Int, content: QuizContent)? {
        state.withLock { state in
            state.newest[quizID].flatMap { version in
                state.contents[Key(quizID: quizID, version: version)].map { (version, $0) }
            }
        }
    }

    /// The quiz's settings decoded from `text`, decoding them only when `text` is not the one
    /// they were last decoded from (every quiz start and submit reads them).
    func settings(of quizID: UUID, decodedFrom text: String, decode: (String) throws -> QuizSettings) rethrows -> QuizSettings {
        if let held = state.withLock({ $0.settings[quizID] }), held.text == text {
            return held.settings
        }
        let settings = try decode(text)
        state.withLock { state in
            if state.settings.count >= capacity { state.settings.removeAll(keepingCapacity: true) }
            state.settings[quizID] = (text, settings)
        }
        return settings
    }

    func store(_ content: QuizContent, of quizID: UUID, version: Int) {
        state.withLock { state in
            if state.contents.count >= capacity {
                state = State()
            }
            state.contents[Key(quizID: quizID, version: version)] = content
            state.newest[quizID] = max(state.newest[quizID] ?? version, version)
        }
    }
}
