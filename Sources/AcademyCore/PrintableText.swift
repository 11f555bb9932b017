/// Text from outside (an email typed at a login form, a user agent) made safe to store in a log
/// and print on a terminal: control, format and line-separator characters (newlines, terminal
/// escapes, bidirectional overrides) become visible `\u{…}` escapes, and a backslash is doubled
/// so that an escape in the output always means one in the input. Forged log lines and
/// terminal tricks are shown instead of acted on.
public enum PrintableText {
    /// Text escaped once (as the audit log stores it) is printed with `doublingBackslashes: false`,
    /// which leaves it as it is and still neutralizes anything written around the escaping.
    public static func escaped(_ text: String, doublingBackslashes: Bool = true) -> String {
        let needsEscape = { (scalar: Unicode.Scalar) in (doublingBackslashes && scalar == "\\") || isUnsafe(scalar) }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if doublingBackslashes, scalar == "\\" {
                result += "\\\\"
            } else if isUnsafe(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate:
            return true
        default:
            return false
        }
    }
}
