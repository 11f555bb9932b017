import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

let goodPassword = "correct horse battery staple"

extension TestClientProtocol {
    /// A request with an optional JSON body (built from a dictionary, so escaping is right) and
    /// an optional bearer token.
    func send(_ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, token: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    func register(_ email: String, password: String = goodPassword, name: String = "Student") async throws -> TestResponse {
        try await send(.post, "/api/v1/auth/register", json: ["email": email, "password": password, "display_name": name])
    }

    /// Signs in and returns the token; records a failure when the login does not succeed.
    func login(_ email: String, password: String = goodPassword, headers: HTTPFields = [:]) async throws -> String {
        let response = try await send(.post, "/api/v1/auth/login", json: ["email": email, "password": password], headers: headers)
        #expect(response.status == .ok, "login of \(email): \(response.text)")
        return response.json["token"] as? String ?? ""
    }
}

extension AppDependencies {
    /// An account made as an operator would, bypassing the API.
    @discardableResult
    func makeUser(_ email: String, role: Role = .student, password: String = goodPassword, name: String = "Someone") async throws -> User {
        try await accounts.createAccount(
            .init(email: email, password: password, displayName: name),
            role: role, by: .operator, event: .userCreated, origin: .commandLine
        )
    }
}

extension TestResponse {
    /// The problem body without its request id, to compare two answers for equality.
    var problemWithoutRequestID: [String: String] {
        json.filter { $0.key != "request_id" }.mapValues { "\($0)" }
    }
}
