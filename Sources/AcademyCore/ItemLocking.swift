public import Foundation

/// Why a course item cannot be opened yet, if it cannot.
public enum ItemLock: Sendable, Equatable {
    case open
    /// The course has not started.
    case courseNotStarted(until: Date)
    /// The item has a release date in the future (drip).
    case notReleased(until: Date)
    /// The item requires the one before it, which is not completed (a lesson) or passed (a quiz).
    case requiresPrevious(itemID: UUID)

    public var isLocked: Bool { self != .open }

    /// When the lock lifts by itself, if it does.
    public var unlocksAt: Date? {
        switch self {
        case .courseNotStarted(let until), .notReleased(let until): until
        case .open, .requiresPrevious: nil
        }
    }
}

/// The one rule for when course items open, serving the outline and every read and completion.
public enum ItemLocking {
    public struct Item: Sendable, Equatable {
        public let id: UUID
        public let releaseAt: Date?
        public let requiresPrevious: Bool

        public init(id: UUID, releaseAt: Date?, requiresPrevious: Bool) {
            self.id = id
            self.releaseAt = releaseAt
            self.requiresPrevious = requiresPrevious
        }
    }

    /// The lock of every item of a course. `items` are in course order (modules in order, items in
    /// order within each); "previous" is the item before across module boundaries. `done` holds
    /// the items the student completed (lessons) or passed (quizzes).
    public static func locks(items: [Item], done: Set<UUID>, courseStartsAt: Date?, now: Date) -> [UUID: ItemLock] {
        var locks: [UUID: ItemLock] = [:]
        for (index, item) in items.enumerated() {
            if let startsAt = courseStartsAt, now < startsAt {
                locks[item.id] = .courseNotStarted(until: startsAt)
            } else if let releaseAt = item.releaseAt, now < releaseAt {
                locks[item.id] = .notReleased(until: releaseAt)
            } else if item.requiresPrevious, index > 0, !done.contains(items[index - 1].id) {
                locks[item.id] = .requiresPrevious(itemID: items[index - 1].id)
            } else {
                locks[item.id] = .open
            }
        }
        return locks
    }
}
