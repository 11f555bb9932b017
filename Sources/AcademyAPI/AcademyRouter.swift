import AcademyCore
public import HTTPTypes
public import Hummingbird

/// The application's router. It records which methods each path answers so that a known path
/// asked with another method gets 405 with `Allow`, not the router's 404.
public final class AcademyRouter: RouterMethods {
    public typealias Context = AppRequestContext

    public let router: Router<AppRequestContext>
    /// For `If-Match`: the current representation, read through the finished router.
    let representations = RepresentationReader()
    /// The middleware every request meets first; also answers requests refused before routing.
    let edge = EdgeMiddleware()
    private var methodsByPath: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]

    public init() {
        router = Router(context: AppRequestContext.self, options: [.autoGenerateHeadEndpoints])
    }

    @discardableResult
    public func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        router.on(path, method: method, responder: responder)
        methodsByPath[path.description, default: (path, [])].methods.insert(method)
        return self
    }

    @discardableResult
    public func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }

    /// Every route as `(method, path)`, the path in OpenAPI's notation (`/courses/{course}`).
    public var registeredRoutes: [(method: String, path: String)] {
        methodsByPath.values.flatMap { entry in
            entry.methods.map { method in
                (method.rawValue, entry.path.components.map { component in
                    let text = component.description
                    return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                }.joined(separator: "/"))
            }
        }.map { ($0.0, "/" + $0.1) }
    }

    static let routedMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace]

    /// Registers the 405 answers; call once, after every route.
    public func addMethodNotAllowedResponders() {
        let answered = Self.routedMethods
        for (_, entry) in methodsByPath {
            var allowed = entry.methods
            if allowed.contains(.get) { allowed.insert(.head) }
            let allowedNames = answered.filter(allowed.contains).map(\.rawValue)
            for method in answered where !allowed.contains(method) {
                router.on(entry.path, method: method) { _, _ -> Response in
                    throw AcademyError.methodNotAllowed(allowed: allowedNames)
                }
            }
        }
    }
}

/// The router only knows the methods it was given routes for, so any other method (WebDAV's
/// `PROPFIND`, HTTP's new `QUERY`) is routed as `TRACE`, which no route answers either: a path that
/// exists says 405 with its `Allow` list, any other path 404.
struct UnroutedMethodResponder: HTTPResponder {
    typealias Context = AppRequestContext
    private static let routed = Set(AcademyRouter.routedMethods)

    let inner: RouterResponder<AppRequestContext>

    func respond(to request: Request, context: Context) async throws -> Response {
        guard !Self.routed.contains(request.method) else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .trace
        return try await inner.respond(to: Request(head: head, body: request.body), context: context)
    }
}
