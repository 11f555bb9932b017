@testable import AcademyAPI
import AcademyCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
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
                    // Leaves only once the one after it is in: two waiters let in at once would
                    // race to record their entry, and the order recorded would not be the gate's.
                    while record.order.withLock({ $0.count }) < min(index + 2, 5) { try await Task.sleep(for: .milliseconds(1)) }
                    record.inside.withLock { $0.now -= 1 }
                    gate.leave()
                }
                while gate.waitingCount < index + 1 { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(record.order.withLock { $0 }.isEmpty)
            gate.leave()
            while record.order.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
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

/// The gate in the application: a forged token is refused at once even while every place is taken.
@Suite struct AdmissionOfForgedTokensTests {
    /// Opens when the test says so.
    final class Latch: Sendable {
        private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], arrived: Int)>((false, [], 0))

        func wait() async {
            await withCheckedContinuation { continuation in
                let resume = state.withLock { state -> Bool in
                    state.arrived += 1
                    if state.open { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if resume { continuation.resume() }
            }
        }

        func open() {
            let waiters = state.withLock { state in
                state.open = true
                defer { state.waiters = [] }
                return state.waiters
            }
            waiters.forEach { $0.resume() }
        }

        var arrived: Int { state.withLock { $0.arrived } }
    }

    @Test func aForgedTokenIsRefusedWithoutWaitingForAPlace() async throws {
        let latch = Latch()
        try await TestApp.run(
            overrides: ["ACADEMY_MAX_REQUESTS_IN_FLIGHT": "1"],
            extraRoutes: { router in
                router.get("/api/v1/held") { _, _ -> String in
                    await latch.wait()
                    return "released"
                }
            }
        ) { client in
            #expect(try await client.register("amina@example.org").status == .accepted)
            let token = try await client.login("amina@example.org")
            // A signature forged under this instance's key (refused in memory), and one under a
            // key it does not know (refused once the key ring looked the key up).
            let forgedUnderItsKey = String(token[...token.lastIndex(of: ".")!]) + String(repeating: "A", count: 43)
            let forgedUnderAnUnknownKey = "v1.cqYyMlmR.a8badbde-63a1-4748-b14a-b576f0a050d9.1798887413." + String(repeating: "A", count: 43)
            // The only place is held by a request that waits for the latch.
            async let held = client.execute(uri: "/api/v1/held", method: .get) { $0.status }
            while latch.arrived == 0 { try await Task.sleep(for: .milliseconds(5)) }
            // Queued behind the held place, they would wait for the latch: a deadline makes that a failure.
            let status = try await withThrowingTaskGroup(of: HTTPResponse.Status?.self) { group in
                group.addTask {
                    let underItsKey = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(forgedUnderItsKey)"]) { $0.status }
                    guard underItsKey == .unauthorized else { return underItsKey }
                    // Past the key ring's interval between look-ups, so that this one is looked up.
                    try await Task.sleep(for: .milliseconds(300))
                    return try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer \(forgedUnderAnUnknownKey)"]) { $0.status }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return nil
                }
                let first = try await group.next() ?? nil
                latch.open()
                group.cancelAll()
                return first
            }
            #expect(status == .unauthorized)
            latch.open()
            #expect(try await held == .ok)
        }
    }

    /// Refused before routing, a forged token gets the answer any 401 gets, on every route but
    /// the health checks and metrics, even one that needs no sign-in.
    @Test func aForgedTokenIsRefusedOnEveryRouteInTheShapeOfAnyProblem() async throws {
        try await TestApp.run { client in
            #expect(try await client.register("amina@example.org").status == .accepted)
            let token = try await client.login("amina@example.org")
            let forged = String(token[...token.lastIndex(of: ".")!]) + String(repeating: "A", count: 43)
            let credentials: [String: Any] = ["email": "amina@example.org", "password": goodPassword]

            let refused = try await client.send(.post, "/api/v1/auth/login", json: credentials, token: forged, headers: [.init("X-Request-Id")!: "trace-forged"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.headers[.wwwAuthenticate] == #"Bearer realm="academy""#)
            #expect(refused.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(refused.headers[.init("X-Request-Id")!] == "trace-forged")
            #expect(refused.json["request_id"] as? String == "trace-forged")
            #expect(refused.json["status"] as? Int == 401)
            // The same answer a guarded route gives a missing token, request id aside.
            let missing = try await client.send(.get, "/api/v1/me")
            #expect(refused.problemWithoutRequestID == missing.problemWithoutRequestID)
            // A token under a key this instance does not know is refused the same way once the
            // key is looked up (past the key ring's interval between look-ups, so that it is).
            try await Task.sleep(for: .milliseconds(300))
            let underAnUnknownKey = "v1.cqYyMlmR.a8badbde-63a1-4748-b14a-b576f0a050d9.1798887413." + String(repeating: "A", count: 43)
            let refusedUnknown = try await client.send(.post, "/api/v1/auth/login", json: credentials, token: underAnUnknownKey)
            #expect(refusedUnknown.status == .unauthorized)
            #expect(refusedUnknown.problemWithoutRequestID == missing.problemWithoutRequestID)
            // Nor does a path that does not exist say so to a forged token.
            #expect(try await client.send(.get, "/api/v1/nowhere", token: forged).status == .unauthorized)
            // Health checks and metrics answer whatever the token.
            #expect(try await client.send(.get, "/health/live", token: forged).status == .ok)
            #expect(try await client.send(.get, "/metrics", token: forged).status == .ok)
            // Without the token the same sign-in succeeds, and the real token still works.
            #expect(try await client.send(.post, "/api/v1/auth/login", json: credentials).status == .ok)
            #expect(try await client.send(.get, "/api/v1/me", token: token).status == .ok)
        }
    }
}

@Suite struct BearerTokenHeaderTests {
    @Test(arguments: [
        ("Bearer abc.def", "abc.def"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("BeArEr abc", "abc"),
        ("  Bearer \t abc \t ", "abc"), ("Bearer\tabc", "abc"), ("Bearer أمينة", "أمينة"),
    ])
    func theTokenAfterTheSchemeIsRead(header: String, token: String) {
        #expect(AuthenticationMiddleware.bearerToken(header) == token)
    }

    @Test(arguments: [nil, "", "Bearer", "Bearer ", "Bearer  \t ", "Basic abc", "Bearerabc", "Bearers abc", "Bearex abc", "Bearer\u{0}abc"])
    func anythingElseHasNoToken(header: String?) {
        #expect(AuthenticationMiddleware.bearerToken(header) == nil)
    }
}

@Suite struct UnauthenticatedProblemBodyTests {
    /// The 401's body is written once around the id; it must be the body the writer of every
    /// other problem writes, and an id that would need escaping goes through that writer.
    @Test(arguments: ["0123456789abcdef0123456789abcdef", "trace-42_a.b:c", "a\"b\\c", ""])
    func isTheBodyEveryProblemHas(requestID: String) async throws {
        let problem = ProblemDetails(.unauthenticated, requestID: requestID)
        var response = problem.response()
        let body = try await response.collectBody()
        #expect(String(buffer: body) == problem.json)
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any])
        #expect(decoded["request_id"] as? String == requestID)
        #expect(decoded["status"] as? Int == 401)
    }
}
