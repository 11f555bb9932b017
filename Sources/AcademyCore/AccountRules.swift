import Foundation

/// The rules for what a person may enter as account data. Each returns the value to store, or
/// the reason it cannot be stored, for the field named by the caller.
public enum AccountRules {
    public static let passwordMinimumCharacters = 10
    public static let passwordMaximumBytes = 1024
    public static let displayNameMaximumCharacters = 100

    /// A valid email, in its normalized form (the only form stored and compared).
    public static func email(_ raw: String, field: String = "email") -> Result<String, FieldError> {
        let email = normalizedEmail(raw)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard (3...254).contains(email.utf8.count),
              parts.count == 2,
              (1...64).contains(parts[0].utf8.count),
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains(".."),
              !email.unicodeScalars.contains(where: { CharacterSet.whitespacesAndNewlines.contains($0) || CharacterSet.controlCharacters.contains($0) })
        else {
            return .failure(FieldError(field: field, message: "must be an email address such as amina@example.org"))
        }
        return .success(email)
    }

    /// The one form of an email that is stored, compared and shown: trimmed, lowercased over all
    /// of Unicode (not only ASCII) and in NFC, so `Ömer@…` and `ömer@…` are one account.
    public static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().precomposedStringWithCanonicalMapping
    }

    /// NIST SP 800-63B: a minimum length, a maximum that bounds hashing work, no composition
    /// rules. Code points are counted, and the password is NFKC-normalized so that the same
    /// characters typed on different keyboards give the same password.
    public static func password(_ raw: String, field: String = "password") -> Result<String, FieldError> {
        let normalized = normalizedPassword(raw)
        guard normalized.unicodeScalars.count >= passwordMinimumCharacters else {
            return .failure(FieldError(field: field, message: "must be at least \(passwordMinimumCharacters) characters"))
        }
        guard normalized.utf8.count <= passwordMaximumBytes else {
            return .failure(FieldError(field: field, message: "must be at most \(passwordMaximumBytes) bytes"))
        }
        return .success(normalized)
    }

    /// Applied on every login too, before hashing, for the same reason.
    public static func normalizedPassword(_ raw: String) -> String {
        raw.precomposedStringWithCompatibilityMapping
    }

    /// Any script, NFC-normalized, trimmed, 1–100 characters, no control characters.
    public static func displayName(_ raw: String, field: String = "display_name") -> Result<String, FieldError> {
        let name = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= displayNameMaximumCharacters else {
            return .failure(FieldError(field: field, message: "must be 1 to \(displayNameMaximumCharacters) characters"))
        }
        guard !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            return .failure(FieldError(field: field, message: "must not contain control characters"))
        }
        return .success(name)
    }

    /// A BCP 47 language tag such as `ar`, `pt-BR` or `zh-Hant-TW`.
    public static func locale(_ raw: String, field: String = "locale") -> Result<String, FieldError> {
        let subtags = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard raw.utf8.count <= 35,
              let language = subtags.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter }),
              subtags.dropFirst().allSatisfy({ (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else {
            return .failure(FieldError(field: field, message: "must be a language tag such as ar, en or pt-BR"))
        }
        return .success(raw)
    }

    /// An IANA time zone name such as `Asia/Riyadh`.
    public static func timezone(_ raw: String, field: String = "timezone") -> Result<String, FieldError> {
        guard raw.utf8.count <= 64, raw.contains("/") || raw == "UTC", TimeZone(identifier: raw) != nil else {
            return .failure(FieldError(field: field, message: "must be an IANA time zone such as Asia/Riyadh or UTC"))
        }
        return .success(raw)
    }
}
