public import HummingbirdCore
import Logging
import Metrics
public import NIOCore
import Synchronization

/// HTTP/1.1 with two bounds no client can stretch: at most `maximumConnections` open at once
/// (the ones past it are closed as they are accepted, before any byte is read, so a flood of
/// connections cannot exhaust file descriptors), and Hummingbird's idle timeout, which closes a
/// connection that has not completed a request head, a body part or a request within
/// `idleTimeout` (so a client that sends its headers a byte at a time, slowloris, is cut off
/// however slowly it trickles).
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let connections: ConnectionCount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard connections.open() else {
            // Closed once it is active: closing a channel before NIO registers it breaks the
            // registration, and failing the set-up leaves it open.
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(CloseWhenActive())
            }.flatMap { http1.setup(channel: channel, logger: logger) }
        }
        channel.closeFuture.whenComplete { _ in connections.close() }
        return http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }

    static func builder(maximumConnections: Int, idleTimeout: TimeAmount) -> HTTPServerBuilder {
        let connections = ConnectionCount(limit: maximumConnections)
        return HTTPServerBuilder { responder in
            LimitedHTTP1Channel(
                http1: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)),
                connections: connections
            )
        }
    }
}

/// Closes its channel as soon as it is active, before anything is read.
final class CloseWhenActive: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}

/// Open connections, against a limit.
final class ConnectionCount: Sendable {
    let limit: Int
    private let count = Atomic<Int>(0)
    private let gauge = Gauge(label: "academy_http_connections")
    private let refused = Counter(label: "academy_http_connections_refused_total")

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection in, or answers false (and counts nothing) when the limit is reached.
    func open() -> Bool {
        let (_, now) = count.add(1, ordering: .relaxed)
        guard now <= limit else {
            count.subtract(1, ordering: .relaxed)
            refused.increment()
            return false
        }
        gauge.record(now)
        return true
    }

    func close() {
        let (_, now) = count.subtract(1, ordering: .relaxed)
        gauge.record(now)
    }
}
