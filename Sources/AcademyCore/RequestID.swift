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
        // Written straight into the string's storage: it runs on every request.
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let half = nibble < 16 ? processHalf : counter
                let value = Int(truncatingIfNeeded: half >> UInt64(60 - 4 * (nibble % 16))) & 0xF
                buffer[position] = hexDigits[value]
                position += 1
            }
            return position
        }
    }

    private static let processHalf = UInt64.random(in: .min ... .max)
    private static let nextCounter = Atomic<UInt64>(UInt64.random(in: .min ... .max))
    private static let hexDigits = Array("0123456789abcdef".utf8)

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
