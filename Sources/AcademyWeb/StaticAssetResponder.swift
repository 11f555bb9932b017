import AcademyAPI
import AcademyCore
import Hummingbird

/// `/assets/<name>.<fingerprint>.<ext>`: the name changes with the content, so a browser keeps
/// each file for a year and never asks again; gzipped for clients that take it.
enum StaticAssetResponder {
    static func respond(_ assets: [String: StaticAsset], request: Request, context: AppRequestContext) throws -> Response {
        guard let name = context.parameters.get("file"), let asset = assets[name] else {
            throw AcademyError.notFound("No asset \(PrintableText.escaped(context.parameters.get("file") ?? "")).")
        }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .cacheControl: "public, max-age=31536000, immutable",
            .vary: "Accept-Encoding",
        ]
        var body = asset.plain
        if Compression.acceptsGzip(request.headers[.acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            body = asset.gzipped
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
