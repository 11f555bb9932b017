import AcademyAPI
import AcademyServices
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

@Suite struct ServiceDocumentsTests {
    @Test func metricsCountRequestsByRouteAndStatusAndShowThePool() async throws {
        try await TestApp.run { client in
            _ = try await client.execute(uri: "/health/ready", method: .get)
            _ = try await client.execute(uri: "/no/such/route", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = response.text
                #expect(text.contains(#"hb_requests{http_route="/health/ready",http_request_method="GET",http_response_status_code="200"}"#))
                #expect(text.contains(#"http_response_status_code="404""#))
                // A handler that threw (here: no route) counts as an error of its status; an
                // answer is not one. (Other suites count into the same registry: at least one.)
                let errors = { (labels: String) in
                    text.split(separator: "\n").first { $0.hasPrefix("hb_request_errors{\(labels)} ") }
                        .flatMap { $0.split(separator: " ").last }.flatMap { Int($0) }
                }
                #expect((errors(#"http_route="NotFound",http_request_method="GET",error_type="404""#) ?? 0) >= 1)
                #expect(errors(#"http_route="/health/ready",http_request_method="GET",error_type="200""#) == 0)
                #expect(text.contains("http_server_request_duration_bucket"))
                #expect(text.contains("http_server_active_requests"))
                #expect(text.contains("academy_db_connections_max"))
                #expect(text.contains("academy_db_connection_wait_seconds"))
            }
        }
    }

    @Test func openAPIDocumentDescribesEveryRoute() async throws {
        let recorded = RouteList()
        try await TestApp.run(extraRoutes: { router in recorded.set(router.registeredRoutes) }) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                let document = response.text
                #expect(document.hasPrefix("openapi: 3.1"))
                let documented = OpenAPIOutline(document)
                // Everything else at the root is the web pages (AcademyWeb), which are not the REST contract.
                let contractPrefixes = ["/api/", "/health/", "/metrics", "/openapi.yaml"]
                for route in recorded.routes where contractPrefixes.contains(where: route.path.hasPrefix) {
                    #expect(documented.has(method: route.method, path: route.path), "\(route.method) \(route.path) is not in openapi.yaml")
                }
            }
        }
    }
}

extension ServiceDocumentsTests {
    @Test func theDocumentListsThisDeploymentsLanguages() async throws {
        try await TestApp.run(overrides: ["ACADEMY_LANGUAGES": "ar,en,id"]) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.text.contains("      enum: [ar, en, id]\n"))
                #expect(!response.text.contains("enum: [ar, en, fr, es, tr, ur, ms, pt]"))
            }
        }
    }
}

final class RouteList: Sendable {
    private let storage = Mutex<[(method: String, path: String)]>([])
    var routes: [(method: String, path: String)] { storage.withLock { $0 } }
    func set(_ routes: [(method: String, path: String)]) { storage.withLock { $0 = routes } }
}

/// The `paths:` section of an OpenAPI YAML document, read by indentation: two spaces for a path,
/// four for its operations.
struct OpenAPIOutline {
    private var operations: Set<String> = []

    init(_ yaml: String) {
        var inPaths = false
        var currentPath: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") && !line.isEmpty {
                inPaths = line.hasPrefix("paths:")
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let currentPath {
                let key = line.dropFirst(4).split(separator: ":").first.map(String.init) ?? ""
                operations.insert("\(key.uppercased()) \(currentPath)")
            }
        }
    }

    func has(method: String, path: String) -> Bool {
        operations.contains("\(method) \(path)")
    }
}
