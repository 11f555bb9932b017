import Foundation

/// A number as a student types it on any keyboard: Western, Arabic-Indic (٣٫٥) or Eastern
/// Arabic-Indic (۳٫۵) digits, a point, an Arabic decimal separator or a single comma as the
/// decimal mark, an optional sign, surrounding spaces.
public enum TypedNumber {
    public static func parse(_ text: String) -> Double? {
        var normalized = ""
        for scalar in text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars {
            switch scalar.value {
            case 0x0660...0x0669: normalized.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!)
            case 0x06F0...0x06F9: normalized.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!)
            case 0x066B, 0x2C: normalized.append(".")
            case 0x2212: normalized.append("-")
            default: normalized.unicodeScalars.append(scalar)
            }
        }
        guard !normalized.isEmpty, normalized.utf8.count <= 64,
              normalized.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }),
              let value = Double(normalized), value.isFinite
        else { return nil }
        return value
    }

    /// A number written back as a person would type it: no trailing `.0`, no exponent for
    /// everyday sizes, and exactly the number (the shortest text that reads back the same).
    public static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let shortest = "\(value)"
        guard shortest.contains("e") else { return shortest }
        var fixed = String(format: "%.10f", value)
        while fixed.hasSuffix("0") { fixed.removeLast() }
        return fixed
    }
}
