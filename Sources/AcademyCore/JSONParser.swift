/// RFC 8259 JSON parsed straight into a `JSONValue`, in one pass with no thrown errors on the way:
/// request bodies come from anyone, so parsing must cost time linear in the body and bounded
/// depth. (Foundation's decoder into a tree tried each value type in turn and grew faster than
/// linearly with nesting: a 32 KiB body nested 500 deep took more than 45 s of CPU.) Duplicate
/// keys are refused: two parsers that pick different duplicates are how checks get bypassed.
public struct JSONParser {
    /// Deeper than any body the API takes (a quiz is six levels) by a wide margin.
    public static let maximumDepth = 64

    public struct Failure: Error, Equatable, Sendable {
        public let reason: String
        /// Counted from 0, in bytes of the UTF-8 body.
        public let offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0

    public static func parse(_ bytes: [UInt8]) -> Result<JSONValue, Failure> {
        var parser = JSONParser(bytes: bytes)
        return parser.document()
    }

    public static func parse(_ text: String) -> Result<JSONValue, Failure> {
        parse(Array(text.utf8))
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func document() -> Result<JSONValue, Failure> {
        guard let value = value(depth: 0) else { return .failure(failure ?? Failure(reason: "unreadable", offset: index)) }
        skipWhitespace()
        guard index == bytes.count else { return .failure(Failure(reason: "unexpected data after the value", offset: index)) }
        return .success(value)
    }

    private var failure: Failure?

    private mutating func fail(_ reason: String) -> JSONValue? {
        if failure == nil { failure = Failure(reason: reason, offset: index) }
        return nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        skipWhitespace()
        guard index < bytes.count else { return fail("unexpected end of the body") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return fail("unexpected end of the body") }
        let matches = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { return fail("unexpected character") }
        index += length
        return value
    }

    private mutating func object(depth: Int) -> JSONValue? {
        guard depth <= Self.maximumDepth else { return fail("nested deeper than \(Self.maximumDepth) levels") }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return fail("expected a quoted key") }
            let keyOffset = index
            guard let key = string() else { return nil }
            guard members[key] == nil else {
                index = keyOffset
                return fail("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return fail("expected ':'") }
            index += 1
            guard let member = value(depth: depth) else { return nil }
            members[key] = member
            skipWhitespace()
            guard index < bytes.count else { return fail("unexpected end of the body") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                return fail("expected ',' or '}'")
            }
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        guard depth <= Self.maximumDepth else { return fail("nested deeper than \(Self.maximumDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            skipWhitespace()
            guard index < bytes.count else { return fail("unexpected end of the body") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                return fail("expected ',' or ']'")
            }
        }
    }

    private mutating func number() -> JSONValue? {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                parser.index += 1
            }
            return parser.index - from
        }
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return fail("malformed number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            _ = digits(&self)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { return fail("malformed number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { return fail("malformed number") }
        }
        guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            index = start
            return fail("number out of range")
        }
        return .number(number)
    }

    /// A string literal; the index is on its opening quote.
    private mutating func string() -> String? {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ parser: JSONParser, into scalars: inout String.UnicodeScalarView) -> Bool {
            guard runStart < parser.index else { return true }
            guard let run = String(validating: parser.bytes[runStart..<parser.index], as: UTF8.self) else { return false }
            scalars.append(contentsOf: run.unicodeScalars)
            return true
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard flushRun(self, into: &scalars) else { return failString("invalid UTF-8") }
                index += 1
                return String(scalars)
            } else if byte == UInt8(ascii: "\\") {
                guard flushRun(self, into: &scalars) else { return failString("invalid UTF-8") }
                guard let scalar = escape() else { return nil }
                scalars.append(scalar)
                runStart = index
            } else if byte < 0x20 {
                return failString("unescaped control character in a string")
            } else {
                index += 1
            }
        }
        return failString("unterminated string")
    }

    private mutating func failString(_ reason: String) -> String? {
        _ = fail(reason)
        return nil
    }

    /// One escape sequence; the index is on its backslash.
    private mutating func escape() -> Unicode.Scalar? {
        index += 1
        guard index < bytes.count else { _ = fail("unterminated string"); return nil }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let unit = hexUnit() else { return nil }
            if (0xD800...0xDBFF).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    _ = fail("unpaired surrogate"); return nil
                }
                index += 2
                guard let low = hexUnit() else { return nil }
                guard (0xDC00...0xDFFF).contains(low) else { _ = fail("unpaired surrogate"); return nil }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            }
            guard let scalar = Unicode.Scalar(unit) else { _ = fail("unpaired surrogate"); return nil }
            return scalar
        default:
            index -= 1
            _ = fail("unknown escape")
            return nil
        }
    }

    private mutating func hexUnit() -> UInt32? {
        guard index + 4 <= bytes.count else { _ = fail("unterminated string"); return nil }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: _ = fail("malformed \\u escape"); return nil
            }
            unit = unit << 4 | UInt32(digit)
            index += 1
        }
        return unit
    }
}
