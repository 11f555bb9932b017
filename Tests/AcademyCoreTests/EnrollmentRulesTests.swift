import AcademyCore
import Foundation
import Testing

@Suite struct EnrollmentPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func join(_ mode: EnrollmentMode, key: Bool? = nil, existing: EnrollmentStatus? = nil, opens: Date? = nil, closes: Date? = nil) throws(AcademyError) -> EnrollmentStatus {
        try EnrollmentPolicy.selfEnrollment(into: .init(mode: mode, opensAt: opens, closesAt: closes), keyMatches: key, existing: existing, now: now)
    }

    @Test func eachModeAdmitsItsWay() throws {
        #expect(try join(.open) == .active)
        #expect(try join(.approval) == .pending)
        #expect(try join(.key, key: true) == .active)
        #expect(throws: AcademyError.forbidden("The enrolment key is wrong.")) { try join(.key, key: false) }
        #expect(throws: AcademyError.forbidden("This course needs an enrolment key.")) { try join(.key) }
        #expect(throws: AcademyError.self) { try join(.closed) }
    }

    @Test func theWindowAndThePastDecide() throws {
        #expect(throws: AcademyError.self) { try join(.open, opens: now.addingTimeInterval(60)) }
        #expect(throws: AcademyError.self) { try join(.open, closes: now) }
        #expect(try join(.open, opens: now.addingTimeInterval(-60), closes: now.addingTimeInterval(60)) == .active)
        #expect(try join(.open, existing: .dropped) == .active)
        #expect(throws: AcademyError.conflict("You are already enrolled in this course.")) { try join(.open, existing: .active) }
        #expect(throws: AcademyError.conflict("You are already enrolled in this course.")) { try join(.open, existing: .pending) }
        #expect(throws: AcademyError.self) { try join(.open, existing: .rejected) }
    }

    @Test func staffAddPeopleAndMoveThemAlong() throws {
        #expect(try EnrollmentPolicy.staffEnrollment(existing: nil) == .active)
        #expect(try EnrollmentPolicy.staffEnrollment(existing: .rejected) == .active)
        #expect(throws: AcademyError.self) { try EnrollmentPolicy.staffEnrollment(existing: .active) }
        #expect(throws: Never.self) { try EnrollmentPolicy.checkTransition(from: .pending, to: .active, byStaff: true) }
        #expect(throws: Never.self) { try EnrollmentPolicy.checkTransition(from: .pending, to: .rejected, byStaff: true) }
        #expect(throws: AcademyError.self) { try EnrollmentPolicy.checkTransition(from: .pending, to: .active, byStaff: false) }
        #expect(throws: Never.self) { try EnrollmentPolicy.checkTransition(from: .active, to: .dropped, byStaff: false) }
        #expect(throws: AcademyError.self) { try EnrollmentPolicy.checkTransition(from: .dropped, to: .active, byStaff: true) }
        #expect(throws: AcademyError.self) { try EnrollmentPolicy.checkTransition(from: .active, to: .completed, byStaff: true) }
    }

    @Test func progressPercentRoundsDown() {
        #expect(CourseProgress(completedLessons: 2, totalLessons: 3).percent == 66)
        #expect(CourseProgress(completedLessons: 0, totalLessons: 0).percent == 0)
        #expect(CourseProgress(completedLessons: 4, totalLessons: 4).percent == 100)
    }
}

@Suite struct ItemLockingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let ids = (0..<4).map { _ in UUID() }

    @Test func locksByAllThreeCauses() {
        let items = [
            ItemLocking.Item(id: ids[0], releaseAt: nil, requiresPrevious: false),
            ItemLocking.Item(id: ids[1], releaseAt: nil, requiresPrevious: true),
            ItemLocking.Item(id: ids[2], releaseAt: now.addingTimeInterval(3600), requiresPrevious: false),
            ItemLocking.Item(id: ids[3], releaseAt: now.addingTimeInterval(-1), requiresPrevious: false),
        ]
        let fresh = ItemLocking.locks(items: items, done: [], courseStartsAt: nil, now: now)
        #expect(fresh[ids[0]] == .open)
        #expect(fresh[ids[1]] == .requiresPrevious(itemID: ids[0]))
        #expect(fresh[ids[2]] == .notReleased(until: now.addingTimeInterval(3600)))
        #expect(fresh[ids[2]]?.unlocksAt == now.addingTimeInterval(3600))
        #expect(fresh[ids[3]] == .open)
        let afterFirst = ItemLocking.locks(items: items, done: [ids[0]], courseStartsAt: nil, now: now)
        #expect(afterFirst[ids[1]] == .open)
        let early = ItemLocking.locks(items: items, done: [], courseStartsAt: now.addingTimeInterval(60), now: now)
        #expect(early.values.allSatisfy { $0 == .courseNotStarted(until: now.addingTimeInterval(60)) })
    }
}
