import Foundation
import Synchronization

/// The id that ties a request to its log lines and its response (`X-Request-Id`).
public enum RequestID {
    /// An id a client sent is kept only if it is short and made of characters that are safe in a
    /// log line and a header; anything else is replaced, never echoed.
    public static func accepting(_ candidate: String?) -> String {
        if let candidate, isAcceptable(candidate) {
            return candidate
        }
        return generate()
    }

    /// A UUID-shaped id: a random half drawn once per process and a counter. Ids need to be
    /// unique, not unpredictable, and Foundation's `UUID()` opens /dev/urandom on every call.
    public static func generate() -> String {
        let counter = nextCounter.add(1, ordering: .relaxed).oldValue
        let hex = hexDigits(processHalf) + hexDigits(counter)
        let characters = Array(hex.utf8)
        var shaped: [UInt8] = []
        shaped.reserveCapacity(36)
        for (index, character) in characters.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { shaped.append(UInt8(ascii: "-")) }
            shaped.append(character)
        }
        return String(decoding: shaped, as: UTF8.self)
    }

    private static let processHalf = UInt64.random(in: .min ... .max)
    private static let nextCounter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    private static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func isAcceptable(_ candidate: String) -> Bool {
        (1...128).contains(candidate.utf8.count) && candidate.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: ":"):
                true
            default:
                false
            }
        }
    }
}
