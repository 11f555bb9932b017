import AcademyCore
import Foundation
import Synchronization

/// Attempts as they started, by id. Who owns an attempt and which quiz version and questions it
/// drew never change after its start, so every instance may keep them without invalidation; its
/// state and deadline are only as of the read (see `AttemptRepository.asStarted`). Bounded: when full it starts over, which costs one read per
/// attempt in use.
final class StartedAttempts: Sendable {
    private let attempts = Mutex<[UUID: QuizAttempt]>([:])
    let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    func attempt(_ id: UUID) -> QuizAttempt? {
        attempts.withLock { $0[id] }
    }

    func store(_ attempt: QuizAttempt) {
        attempts.withLock { attempts in
            if attempts.count >= capacity {
                attempts.removeAll(keepingCapacity: true)
            }
            attempts[attempt.id] = attempt
        }
    }
}
