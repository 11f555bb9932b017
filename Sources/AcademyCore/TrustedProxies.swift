#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies whose `X-Forwarded-For` is believed (`ACADEMY_TRUSTED_PROXIES`): addresses
/// or CIDR ranges, IPv4 or IPv6. Anyone can send the header, so it counts only when the TCP peer
/// is one of these, and then only up to the first entry a trusted proxy did not add.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (mine, theirs) in zip(bytes, address) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if mine & mask != theirs & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses `10.0.0.1, 192.168.0.0/16, ::1`; a failure names the first entry that is neither an
    /// address nor a range.
    public static func parse(_ list: String) -> Result<TrustedProxies, ParseFailure> {
        var ranges: [Range] = []
        for entry in list.split(separator: ",").map({ $0.trimmedOfBlanks() }) where !entry.isEmpty {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.addressBytes(parts[0]) else { return .failure(ParseFailure(entry: entry)) }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { return .failure(ParseFailure(entry: entry)) }
            ranges.append(Range(bytes: bytes, prefixLength: prefix))
        }
        return .success(TrustedProxies(ranges: ranges))
    }

    public struct ParseFailure: Error, Equatable {
        public let entry: String
    }

    public var isEmpty: Bool { ranges.isEmpty }

    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.addressBytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the rightmost
    /// `X-Forwarded-For` entry that is not itself a trusted proxy (a client can prepend anything,
    /// so entries left of that are never believed).
    public func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard contains(peer), let forwardedFor else { return peer }
        var client = peer
        for entry in forwardedFor.split(separator: ",").reversed() {
            let candidate = entry.trimmedOfBlanks()
            guard Self.addressBytes(candidate) != nil else { return client }
            client = candidate
            if !contains(candidate) { return candidate }
        }
        return client
    }

    /// The 4 or 16 bytes of a textual IPv4 or IPv6 address.
    static func addressBytes(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmedOfBlanks() -> String {
        let isBlank = { (character: Character) in character == " " || character == "\t" }
        return String(drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }
}
