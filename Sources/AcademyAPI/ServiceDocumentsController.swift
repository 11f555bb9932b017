import AcademyCore
import Foundation
import Hummingbird
import Prometheus

/// The documents a deployment serves about itself: Prometheus metrics and the OpenAPI contract.
struct ServiceDocumentsController {
    let metricsRegistry: PrometheusCollectorRegistry
    let openAPIDocument: ByteBuffer

    init(metricsRegistry: PrometheusCollectorRegistry, languages: [String]) throws {
        self.metricsRegistry = metricsRegistry
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw AcademyError.unavailable(reason: "openapi.yaml is missing from the build.", retryAfterSeconds: 3600)
        }
        openAPIDocument = ByteBuffer(string: try Self.document(String(decoding: Data(contentsOf: url), as: UTF8.self), languages: languages))
    }

    /// The document names the languages a translation may have; a deployment chooses its own
    /// (ACADEMY_LANGUAGES), so the list served is this deployment's.
    static func document(_ text: String, languages: [String]) throws -> String {
        let marker = "    Language:\n      type: string\n      description: One of the deployment's ACADEMY_LANGUAGES (the list below is this server's own).\n      enum: ["
        guard let start = text.range(of: marker), let end = text[start.upperBound...].firstIndex(of: "]") else {
            throw AcademyError.unavailable(reason: "openapi.yaml has no Language schema to list the languages in.", retryAfterSeconds: 3600)
        }
        return text.replacingCharacters(in: start.upperBound..<end, with: languages.joined(separator: ", "))
    }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metricsRegistry.emitToBuffer()))
            )
        }
        routes.get("openapi.yaml") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: openAPIDocument)
            )
        }
        return routes
    }
}
