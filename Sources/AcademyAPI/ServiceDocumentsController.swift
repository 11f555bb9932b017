import AcademyCore
import Foundation
import Hummingbird
import Prometheus

/// The documents a deployment serves about itself: Prometheus metrics and the OpenAPI contract.
struct ServiceDocumentsController {
    let metricsRegistry: PrometheusCollectorRegistry
    let openAPIDocument: ByteBuffer

    init(metricsRegistry: PrometheusCollectorRegistry) throws {
        self.metricsRegistry = metricsRegistry
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw AcademyError.unavailable(reason: "openapi.yaml is missing from the build.", retryAfterSeconds: 3600)
        }
        openAPIDocument = ByteBuffer(bytes: try Data(contentsOf: url))
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
