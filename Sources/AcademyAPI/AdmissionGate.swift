import AcademyCore
import AcademyCrypto
import AcademyServices
import Hummingbird
import Logging
import Synchronization

/// Lets at most `limit` requests into the handlers at once; the others wait their turn in
/// arrival order, each at the cost of a suspended continuation. On exam day thousands of requests
/// arrive faster than two cores answer them: let in all at once, each held its memory and its
/// place in the database pool's queue while the server switched among them, and the last waited
/// longest. Queued here, the same work finished with half the latency (`Scripts/bench --exam-day`).
final class AdmissionGate: Sendable {
    private struct State {
        var inside = 0
        /// Waiters by ticket; tickets from `firstTicket` up to `nextTicket` may still wait.
        var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextTicket: UInt64 = 0
        var firstTicket: UInt64 = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state in
                if state.inside < limit, state.waiting.isEmpty {
                    state.inside += 1
                    return true
                }
                state.waiting[state.nextTicket] = continuation
                state.nextTicket += 1
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    /// Hands the place to the longest waiter, if any.
    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            while state.firstTicket < state.nextTicket {
                let ticket = state.firstTicket
                state.firstTicket += 1
                if let waiter = state.waiting.removeValue(forKey: ticket) { return waiter }
            }
            state.inside -= 1
            return nil
        }
        next?.resume()
    }

    /// How many wait now.
    var waitingCount: Int {
        state.withLock { $0.waiting.count }
    }
}

/// Puts API requests through the `AdmissionGate`. A JSON body is read before the request waits
/// for its turn, so that a slow sender never holds a place; larger or streamed bodies (uploads,
/// which stream to disk) and the health and metrics endpoints do not queue at all. A request whose
/// bearer token fails its check (form, signature, expiry; against the loaded keys, or once the
/// key ring has looked up the key it names) is answered 401 on any route by the edge middleware
/// alone: a flood of forged tokens costs no routing, no place and no child task.
struct AdmissionResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == AppRequestContext {
    let inner: Inner
    let gate: AdmissionGate
    let edge: EdgeMiddleware
    let maxBodyBytes: Int
    let keyRing: SigningKeyRing

    private enum Admission {
        case refused(SessionTokenRejection)
        case unqueued
        /// Its token names a key this instance may look up now: refused or let through, unqueued,
        /// once the key ring has looked.
        case awaitingKey(token: String)
        /// With the bytes of body to read before the request queues (0 for none).
        case queued(bodyBytes: Int)
    }

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        var context = context
        switch admission(of: request, context: &context) {
        case .refused(let rejection):
            return try await refuse(request, because: rejection, context: context)
        case .unqueued:
            return try await inner.respond(to: request, context: context)
        case .awaitingKey(let token):
            // Looked up here so that the refusal is the same whatever the route. Should the look-up
            // fail (the database down), the route's authentication looks again and says why.
            if let result = try? await keyRing.verify(token) {
                if case .failure(let rejection) = result { return try await refuse(request, because: rejection, context: context) }
                context.bearerCheck = BearerCheck(token: token, result: result)
            }
            return try await inner.respond(to: request, context: context)
        case .queued(let bodyBytes):
            // Everything an admitted request awaits runs in a child task: its body, its turn, its
            // answer. A task keeps the memory its deepest await chain ever took until it ends, and
            // the connection's task lives as long as the connection. Run inline, the middleware
            // and handler frames (about 40 KB) stayed with each of thousands of idle keep-alive
            // connections; in a child they go back when the answer is ready, so that memory is
            // bounded by the requests answered at once instead (`Scripts/bench --exam-day`).
            async let response = answer(request, context: context, bodyBytes: bodyBytes)
            return try await response
        }
    }

    private func refuse(_ request: Request, because rejection: SessionTokenRejection, context: AppRequestContext) async throws -> Response {
        try await edge.handle(request, context: context) { _, context in
            context.logger.debug("Token refused", metadata: ["reason": "\(rejection)"])
            throw AcademyError.unauthenticated
        }
    }

    /// Reads the body first, so that a slow sender never holds a place, then waits for a place.
    private func answer(_ request: Request, context: AppRequestContext, bodyBytes: Int) async throws -> Response {
        var request = request
        if bodyBytes > 0 {
            _ = try await request.collectBody(upTo: bodyBytes)
        }
        await gate.enter()
        defer { gate.leave() }
        return try await inner.respond(to: request, context: context)
    }

    /// Decided without suspending, in the connection's task.
    private func admission(of request: Request, context: inout AppRequestContext) -> Admission {
        let path = request.uri.path
        if path.hasPrefix("/health/") || path == "/metrics" { return .unqueued }
        if let token = AuthenticationMiddleware.bearerToken(request.headers.value(of: .authorization)) {
            // A token whose key this instance must look up first does not queue either: forged
            // too, or rarely another instance's brand-new key.
            guard let result = keyRing.verifyWithLoadedKeys(token) else { return .awaitingKey(token: token) }
            if case .failure(let rejection) = result { return .refused(rejection) }
            context.bearerCheck = BearerCheck(token: token, result: result)
        }
        // A streamed body (chunked) or a large one is an upload: it does not queue.
        if request.headers.value(of: .transferEncoding) != nil { return .unqueued }
        guard let declared = request.headers.value(of: .contentLength) else { return .queued(bodyBytes: 0) }
        guard let length = Int(declared), length <= maxBodyBytes else { return .unqueued }
        return .queued(bodyBytes: length)
    }
}
