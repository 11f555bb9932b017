import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// The body, read once and put back as the same buffer, for middleware that must see a
    /// response whole (to hash it or keep it). Only for bodies known to be small.
    mutating func collectBody() async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await body.write(CollectingWriter(collector: collector))
        let collected = collector.buffer ?? ByteBuffer()
        body = .init(byteBuffer: collected)
        return collected
    }
}

/// Where a response body is gathered while it is written; a body written as one buffer (as
/// every JSON answer is) is kept as that buffer, without a copy.
private final class BodyCollector {
    var buffer: ByteBuffer?
}

private struct CollectingWriter: ResponseBodyWriter {
    let collector: BodyCollector

    mutating func write(_ part: ByteBuffer) async throws {
        if var gathered = collector.buffer {
            collector.buffer = nil
            gathered.writeImmutableBuffer(part)
            collector.buffer = gathered
        } else {
            collector.buffer = part
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
