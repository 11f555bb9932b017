import AcademyAPI
import AcademyServices
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The cross-cutting answers every endpoint shares: problem bodies, request ids, body limits and
/// strict JSON, exercised through a probe route mounted behind the application's own middleware.
@Suite struct ProblemTests {
    struct Probe: Decodable, ResponseEncodable {
        let displayName: String
        let tags: [String: String]?
    }

    static func probeRoute(_ router: AcademyRouter) {
        router.post("/probe") { request, context in
            try await request.decode(as: Probe.self, context: context)
        }
    }

    @Test func unknownRouteIsAProblem404() async throws {
        try await TestApp.run { client in
            try await client.execute(uri: "/api/v1/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = response.json
                #expect(body["status"] as? Int == 404)
                #expect(body["title"] as? String == "Not Found")
                #expect(body["type"] as? String == "about:blank")
                #expect((body["detail"] as? String)?.contains("/api/v1/nowhere") == true)
            }
        }
    }

    @Test func wrongMethodIsA405WithAllow() async throws {
        try await TestApp.run { client in
            try await client.execute(uri: "/health/live", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["status"] as? Int == 405)
            }
            try await client.execute(uri: "/health/live", method: .head) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// TRACE (and any method the API does not answer) gets a problem body like every other
    /// refusal, over a real connection; every answer forbids content sniffing.
    @Test func traceAndOtherMethodsAreProblemsAndNothingIsSniffed() async throws {
        try await TestApp.run(setup: .live) { client in
            try await client.execute(uri: "/health/live", method: .trace) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.allow] == "GET, HEAD")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            try await client.execute(uri: "/api/v1/nowhere", method: .trace) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            for method in ["PROPFIND", "QUERY"] {
                try await client.execute(uri: "/health/live", method: HTTPRequest.Method(method)!) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/api/v1/nowhere", method: HTTPRequest.Method(method)!) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func requestIdIsEchoedOrGenerated() async throws {
        try await TestApp.run { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.init("X-Request-Id")!: "trace-42"]) { response in
                #expect(response.headers[.init("X-Request-Id")!] == "trace-42")
            }
            var generated: [String] = []
            for _ in 0..<2 {
                let id = try await client.execute(uri: "/health/live", method: .get) { $0.headers[.init("X-Request-Id")!] }
                generated.append(try #require(id))
            }
            #expect(generated.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isHexDigit) })
            #expect(generated[0] != generated[1])
            // An id that could forge log lines is replaced, never echoed.
            try await client.execute(uri: "/nowhere", method: .get, headers: [.init("X-Request-Id")!: "a b\"c"]) { response in
                let id = try #require(response.headers[.init("X-Request-Id")!])
                #expect(id != "a b\"c")
                #expect(response.json["request_id"] as? String == id)
            }
        }
    }

    @Test func everyLogLineOfARequestCarriesItsId() async throws {
        let logs = LogCapture()
        let generated = try await TestApp.run(logs: logs) { client in
            _ = try await client.execute(uri: "/nowhere", method: .get, headers: [.init("X-Request-Id")!: "req-77"])
            return try await client.execute(uri: "/elsewhere", method: .get) { $0.headers[.init("X-Request-Id")!] }
        }
        // Every line of the first request carries the id its client sent, every line of the
        // second the id it was answered with.
        let lines = logs.lines.filter { $0.metadata["hb.request.id"] != nil }
        let generatedID = try #require(generated)
        #expect(lines.allSatisfy { ["req-77", generatedID].contains($0.metadata["hb.request.id"]) }, "\(lines)")
        let answers = lines.filter { $0.message == "Answered" }
        #expect(answers.map { $0.metadata["path"] } == ["/nowhere", "/elsewhere"])
        #expect(answers.map { $0.metadata["hb.request.id"] } == ["req-77", generatedID])
        // The access line: at debug, written once the answer is known.
        let answered = try #require(lines.first { $0.message == "Answered" })
        #expect(answered.level == .debug)
        #expect(answered.metadata["status"] == "404")
        #expect(answered.metadata["path"] == "/nowhere")
        #expect(answered.metadata["method"] == "GET")
        #expect(answered.metadata["duration_ms"].flatMap { Int($0) } != nil)
    }

    @Test func strictJSONAcceptsTheExactShape() async throws {
        try await TestApp.run(extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json; charset=utf-8"],
                body: ByteBuffer(string: #"{"display_name":"أمينة","tags":{"pt-BR":"x"}}"#)
            ) { response in
                #expect(response.status == .ok)
                let body = response.json
                #expect(body["display_name"] as? String == "أمينة")
                #expect((body["tags"] as? [String: String])?["pt-BR"] == "x")
            }
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await TestApp.run(extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"display_name": "#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect((response.json["detail"] as? String)?.contains("not valid JSON") == true)
            }
        }
    }

    @Test func unknownAndWrongFieldsAre422WithFieldErrors() async throws {
        try await TestApp.run(extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"display_name":"A","dispaly_name":"typo"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let errors = try #require(response.json["errors"] as? [[String: String]])
                #expect(errors == [["field": "dispaly_name", "message": "is not a known field"]])
            }
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"display_name":7}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let errors = try #require(response.json["errors"] as? [[String: String]])
                #expect(errors.first?["field"] == "display_name")
            }
        }
    }

    /// Problem bodies are written without a generic encoder: whatever a client puts in a field
    /// name comes back as valid JSON, byte for byte.
    @Test func problemBodiesEscapeWhatClientsSend() async throws {
        let key = "q\"uote\\back\nline\u{1}\tعربي/"
        let body = try JSONSerialization.data(withJSONObject: ["display_name": "A", key: 1])
        try await TestApp.run(extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let problem = response.json
                #expect(problem["status"] as? Int == 422)
                #expect(problem["type"] as? String == "/problems/validation")
                #expect(problem["errors"] as? [[String: String]] == [["field": key, "message": "is not a known field"]])
                #expect((problem["detail"] as? String)?.hasPrefix(key) == true)
            }
        }
    }

    /// Hostile bodies are refused cheaply: nesting stops at 64 levels (it used to cost seconds of
    /// CPU per request before authentication), and a NUL, which PostgreSQL cannot store, is a 422
    /// rather than the database's 500.
    @Test func hostileJSONIsRefusedBeforeItCostsAnything() async throws {
        try await TestApp.run { client in
            let nested = String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000)
            try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: nested)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((response.json["detail"] as? String)?.contains("nested deeper than 64 levels") == true)
            }
            try await client.execute(
                uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"a\u0000@example.org","password":"x"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.json["errors"] as? [[String: String]] == [["field": "email", "message": "must not contain the NUL character (U+0000)"]])
            }
        }
    }

    @Test func wrongContentTypeIs415() async throws {
        try await TestApp.run(extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: #"{"display_name":"A"}"#)
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(response.json["status"] as? Int == 415)
            }
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        let oversized = #"{"display_name":""# + String(repeating: "x", count: 4096) + #""}"#
        try await TestApp.run(overrides: ["ACADEMY_MAX_BODY_BYTES": "1024"], extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: oversized)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect((response.json["detail"] as? String)?.contains("1024") == true)
            }
        }
    }

    @Test func chunkedBodyOverTheLimitIs413() async throws {
        // Without Content-Length the limit is enforced while the body streams in.
        let oversized = #"{"display_name":""# + String(repeating: "x", count: 4096) + #""}"#
        try await TestApp.run(overrides: ["ACADEMY_MAX_BODY_BYTES": "1024"], setup: .live, extraRoutes: Self.probeRoute) { client in
            try await client.execute(
                uri: "/probe", method: .post,
                headers: [.contentType: "application/json", .transferEncoding: "chunked"],
                body: ByteBuffer(string: oversized)
            ) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}
