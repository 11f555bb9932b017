import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// The body's bytes, read once and put back as a buffer, for middleware that must see a
    /// response whole (to hash it or keep it). Only for bodies known to be small.
    mutating func collectBody() async throws -> [UInt8] {
        let collector = BodyCollector()
        try await body.write(CollectingWriter(collector: collector))
        body = .init(byteBuffer: ByteBuffer(bytes: collector.bytes))
        return collector.bytes
    }
}

/// Where a response body is copied while it is written.
private final class BodyCollector {
    var bytes: [UInt8] = []
}

private struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ buffer: ByteBuffer) async throws {
        collector.bytes += Array(buffer: buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
