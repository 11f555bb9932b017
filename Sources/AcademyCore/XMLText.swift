import Foundation

/// Text put into XML (a Moodle XML export, a request to an S3-compatible store).
public enum XMLText {
    /// The text with the characters XML gives a meaning escaped, quotes included, so that it fits
    /// in an element or an attribute alike.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
