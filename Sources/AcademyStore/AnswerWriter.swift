import Foundation
import PostgresNIO
import Synchronization

/// Writes answer saves in one statement and one commit per batch: the saves that arrive while a
/// batch is being written wait, and go together in the next. Alone, a save is written at once,
/// as it always was; on exam day, when a thousand arrive each second, the database no longer runs
/// a statement and a commit for each (profile of `Scripts/bench --exam-day`: PostgreSQL spent
/// 0.25-0.45 ms of CPU per save, the server about as much again on the round trip).
///
/// Each save is answered only after the commit of its batch: an acknowledged answer is durable.
/// One batch is written at a time; one save per question of an attempt goes in a batch (a second
/// waits for the next, so that the seq rule decides between them as it would one after another).
final class AnswerWriter: Sendable {
    struct Save: Sendable {
        let attemptID: UUID
        let questionID: String
        let responseJSON: String
        let seq: Int
        let now: Date
    }

    /// What became of one save: whether its attempt was open, and when the answer was written
    /// (nil when an answer with this seq or a newer one was stored).
    struct Written: Sendable, Equatable {
        let isOpen: Bool
        let savedAt: Date?
    }

    private struct Pending {
        let save: Save
        let continuation: CheckedContinuation<Written, any Error>
    }

    /// One answer of one attempt: what a batch holds at most one save for.
    private struct AnswerKey: Hashable {
        let attemptID: UUID
        let questionID: String

        init(_ save: Save) {
            attemptID = save.attemptID
            questionID = save.questionID
        }
    }

    private struct State {
        var waiting: [Pending] = []
        var writing = false
    }

    /// Bounds one statement: its arrays, and the rows one commit locks.
    static let maximumBatch = 128

    private let database: Database
    private let state = Mutex(State())

    init(database: Database) {
        self.database = database
    }

    func write(_ save: Save) async throws -> Written {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriting = state.withLock { state in
                state.waiting.append(Pending(save: save, continuation: continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if startsWriting {
                // Not part of any one request: a client that goes away does not cancel the
                // batch that holds other students' answers.
                Task { await self.writeWhileWaiting() }
            }
        }
    }

    private func writeWhileWaiting() async {
        while let batch = nextBatch() {
            do {
                let written = try await write(batch.map(\.save))
                for (pending, outcome) in zip(batch, written) {
                    pending.continuation.resume(returning: outcome)
                }
            } catch {
                for pending in batch {
                    pending.continuation.resume(throwing: error)
                }
            }
        }
    }

    /// The next batch in arrival order, at most one save per attempt and question; nil (and no
    /// longer writing) when none waits.
    private func nextBatch() -> [Pending]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.writing = false
                return nil
            }
            var batch: [Pending] = []
            var rest: [Pending] = []
            var answers: Set<AnswerKey> = []
            for pending in state.waiting {
                if batch.count < Self.maximumBatch, answers.insert(AnswerKey(pending.save)).inserted {
                    batch.append(pending)
                } else {
                    rest.append(pending)
                }
            }
            state.waiting = rest
            return batch
        }
    }

    private func write(_ saves: [Save]) async throws -> [Written] {
        let bindings = PostgresBindings(
            saves.map(\.attemptID), saves.map(\.questionID), saves.map(\.responseJSON), saves.map(\.seq), saves.map(\.now)
        )
        let rows = try await database.withConnection { connection in
            try await connection.rows(SaveAnswers.self, bindings, as: (Int, Bool, Date?).self)
        }
        var written = [Written](repeating: Written(isOpen: false, savedAt: nil), count: saves.count)
        for (ordinal, isOpen, savedAt) in rows {
            written[ordinal - 1] = Written(isOpen: isOpen, savedAt: savedAt)
        }
        return written
    }

    /// The answer saves of a batch, the statement an exam runs most; arrays $1...$5 hold each
    /// save's attempt, question, response (JSON), seq and moment.
    ///
    /// It key-share-locks the open attempts among them: grading locks an attempt's row for update
    /// first, so a save and the grading take turns, and a save after the grading finds the
    /// attempt closed. (A key-share lock is the one the foreign key of `attempt_answers` takes
    /// anyway.) It then upserts by seq, in key order (two batches never wait on each other in a
    /// circle), and returns for each save, by its place in the arrays, whether its attempt was
    /// open and, when it was written, when. (It does not read the answer that kept a save from
    /// being written: a retry is rare, and `AttemptRepository.save` reads it then.)
    enum SaveAnswers: PreparedSQL {
        static let sql = """
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::timestamptz[])
                    WITH ORDINALITY AS s(attempt_id, question_id, response, seq, saved_at, ordinal)
            ), open_attempt AS (
                SELECT a.id FROM quiz_attempts a
                WHERE a.id IN (SELECT attempt_id FROM input) AND a.state = 'in_progress'
                ORDER BY a.id
                FOR KEY SHARE
            ), accepted AS (
                SELECT i.* FROM input i JOIN open_attempt o ON o.id = i.attempt_id JOIN quiz_attempts a ON a.id = i.attempt_id
                WHERE a.deadline IS NULL OR i.saved_at <= a.deadline + a.grace_seconds * interval '1 second'
            ), written AS (
                INSERT INTO attempt_answers (attempt_id, question_id, response, seq, saved_at)
                SELECT attempt_id, question_id, response::jsonb, seq, saved_at FROM accepted ORDER BY attempt_id, question_id
                ON CONFLICT (attempt_id, question_id) DO UPDATE
                    SET response = EXCLUDED.response, seq = EXCLUDED.seq, saved_at = EXCLUDED.saved_at
                    WHERE attempt_answers.seq < EXCLUDED.seq
                RETURNING attempt_id, question_id, saved_at
            )
            SELECT i.ordinal::int8, c.ordinal IS NOT NULL, w.saved_at
            FROM input i
            LEFT JOIN accepted c ON c.ordinal = i.ordinal
            LEFT JOIN written w ON w.attempt_id = i.attempt_id AND w.question_id = i.question_id
            """
        static let parameterTypes: [PostgresDataType] = [.uuidArray, .textArray, .textArray, .int8Array, .timestamptzArray]
    }
}
