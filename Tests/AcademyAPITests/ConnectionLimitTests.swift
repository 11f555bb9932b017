import AcademyAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ConnectionLimitTests {
    /// A connection past ACADEMY_MAX_CONNECTIONS is closed as it is accepted; once one closes,
    /// a new one is served.
    @Test func connectionsPastTheLimitAreClosedAtOnce() async throws {
        // The test client holds one connection of the three (made before the others here). Each
        // connection is proven served before the next opens: under load, accepts take a while.
        try await TestApp.run(overrides: ["ACADEMY_MAX_CONNECTIONS": "3"], setup: .live) { client in
            let port = try #require(client.port)
            #expect(try await client.execute(uri: "/health/live", method: .get).status == .ok)
            let live = "GET /health/live HTTP/1.1\r\nHost: academy\r\n\r\n"
            let first = try RawConnection(port: port)
            first.send(live)
            #expect(try await first.read(until: "{\"status\":\"live\"}", seconds: 30).text.hasPrefix("HTTP/1.1 200"))
            let second = try RawConnection(port: port)
            second.send(live)
            #expect(try await second.read(until: "{\"status\":\"live\"}", seconds: 30).text.hasPrefix("HTTP/1.1 200"))

            let third = try RawConnection(port: port)
            third.send(live)
            #expect(try await third.read(until: "never", seconds: 30) == (text: "", closed: true))
            #expect(try await client.execute(uri: "/health/live", method: .get).status == .ok)

            // Once one closes, a new connection is served again.
            second.close()
            var served = false
            for _ in 0..<60 where !served {
                let next = try RawConnection(port: port)
                next.send(live)
                served = try await next.read(until: "{\"status\":\"live\"}", seconds: 5).text.hasPrefix("HTTP/1.1 200")
                next.close()
                if !served { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(served)
            first.close()
        }
    }

    /// A client that trickles its request head is cut off after the idle timeout, whatever it
    /// still sends; a client that finishes its request in time is answered.
    @Test func aHeadTrickledByteByByteIsCutOffAtTheIdleTimeout() async throws {
        try await TestApp.run(overrides: ["ACADEMY_IDLE_TIMEOUT_SECONDS": "1"], setup: .live) { client in
            let port = try #require(client.port)
            let slow = try RawConnection(port: port)
            let started = ContinuousClock.now
            var cutOff = false
            for byte in "GET /health/live HTTP/1.1\r\nHost: academy\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                if !slow.send(String(decoding: [byte], as: UTF8.self)) { cutOff = true; break }
                if try await slow.readUntilClosed(seconds: 0.2).closed { cutOff = true; break }
            }
            #expect(cutOff)
            #expect(ContinuousClock.now - started < .seconds(5))

            let prompt = try RawConnection(port: port)
            prompt.send("GET /health/live HTTP/1.1\r\nHost: academy\r\nConnection: close\r\n\r\n")
            #expect(try await prompt.readUntilClosed(seconds: 5).text.hasPrefix("HTTP/1.1 200"))
        }
    }
}

/// A plain TCP connection to 127.0.0.1, to send what no HTTP client would.
final class RawConnection {
    let socket: Int32
    /// Closed once only: the server runs in this process, and a descriptor closed twice may by
    /// then be one of its own.
    private var isOpen = true

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard socket >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close() }

    func close() {
        guard isOpen else { return }
        isOpen = false
        Glibc.close(socket)
    }

    /// False when the peer has closed.
    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } >= 0
    }

    /// What arrives within `seconds`, and whether the peer closed the connection by then.
    func readUntilClosed(seconds: Double) async throws -> (text: String, closed: Bool) {
        try await read(until: nil, seconds: seconds)
    }

    /// What arrives until `marker` has arrived, the peer closes, or `seconds` pass. It polls
    /// without blocking: the server shares this process's few cooperative threads.
    func read(until marker: String?, seconds: Double) async throws -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 0) > 0 else {
                try await Task.sleep(for: .milliseconds(10))
                continue
            }
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<count]
            if let marker, String(decoding: received, as: UTF8.self).contains(marker) {
                return (String(decoding: received, as: UTF8.self), false)
            }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}
