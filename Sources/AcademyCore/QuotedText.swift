/// Text as a double-quoted literal that both JSON (RFC 8259 §7) and YAML read back unchanged:
/// quote and backslash escaped, line breaks and tabs as `\n`, `\r`, `\t`, every other control
/// character and DEL as `\uXXXX`. Problem bodies and course-folder files both write it.
public enum QuotedText {
    public static func doubleQuoted(_ text: String) -> String {
        // Most text needs no escape at all: a scan of its bytes is cheaper than rebuilding it.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F }) {
            return "\"" + text + "\""
        }
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
