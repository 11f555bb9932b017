/// Text as a double-quoted literal that both JSON (RFC 8259 §7) and YAML read back unchanged:
/// quote and backslash escaped, line breaks and tabs as `\n`, `\r`, `\t`, every other control
/// character and DEL as `\uXXXX`. Problem bodies and course-folder files both write it.
public enum QuotedText {
    public static func doubleQuoted(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count + 2)
        append(text, to: &result)
        return result
    }

    /// The literal, appended to `result` (a JSON document being written). Every character that
    /// needs an escape is ASCII, and no byte of a multi-byte UTF-8 sequence is, so the text is
    /// scanned as bytes and copied a run at a time between escapes: a lesson's HTML (quotes and
    /// line breaks among Arabic letters) was appended a scalar at a time, 8% of a lesson read.
    public static func append(_ text: String, to result: inout String) {
        result.append("\"")
        var contiguous = text
        contiguous.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F else { continue }
                if start < index {
                    result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                }
                result.append(escape(byte))
                start = index + 1
            }
            if start == 0 {
                result.append(text)
            } else if start < bytes.count {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
        }
        result.append("\"")
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case UInt8(ascii: "\n"): return "\\n"
        case UInt8(ascii: "\t"): return "\\t"
        case UInt8(ascii: "\r"): return "\\r"
        default:
            let hex = String(byte, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
