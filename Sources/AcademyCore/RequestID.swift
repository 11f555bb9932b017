/// The id that ties a request to its log lines and its response (`X-Request-Id`): the client's,
/// when it is safe to echo, else the one the server gave the request.
public enum RequestID {
    /// An id a client sent is kept only if it is short and made of characters that are safe in a
    /// log line and a header; anything else is replaced, never echoed.
    public static func isAcceptable(_ candidate: String) -> Bool {
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
