@testable import AcademyAPI
import Synchronization
import Testing

@Suite struct AdmissionGateTests {
    /// Who entered, in order, and how many were inside at most.
    final class Record: Sendable {
        let order = Mutex<[Int]>([])
        let inside = Mutex((now: 0, most: 0))
    }

    @Test func noMoreThanTheLimitAreInsideAndTheRestEnterInArrivalOrder() async throws {
        let gate = AdmissionGate(limit: 2)
        let record = Record()
        // Two hold the places; then five queue, one after the other.
        await gate.enter()
        await gate.enter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    await gate.enter()
                    record.order.withLock { $0.append(index) }
                    record.inside.withLock { $0 = (now: $0.now + 1, most: max($0.most, $0.now + 1)) }
                    try await Task.sleep(for: .milliseconds(10))
                    record.inside.withLock { $0.now -= 1 }
                    gate.leave()
                }
                while gate.waitingCount < index + 1 { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(record.order.withLock { $0 }.isEmpty)
            gate.leave()
            gate.leave()
            try await group.waitForAll()
        }
        #expect(record.order.withLock { $0 } == [0, 1, 2, 3, 4])
        // The two places the test held were given to waiters, so at most two ran at once.
        #expect(record.inside.withLock { $0.most } <= 2)
        #expect(gate.waitingCount == 0)
        // Both places are free again: two enter at once.
        await gate.enter()
        await gate.enter()
    }
}
