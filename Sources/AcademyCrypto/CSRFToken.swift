/// Tokens that prove a form was served by this site to this browser (OWASP's signed double
/// submit): the token is an HMAC of the browser's own secret cookie (its session token, or a
/// visitor nonce before sign-in), which another site can neither read nor compute. Each page
/// carries it masked with fresh random bytes, so that a compressed page that also reflects the
/// visitor's input never repeats the same secret bytes (BREACH).
public enum CSRFToken {
    static let context = Array("academy-csrf-v1".utf8)

    /// A masked token for one form, bound to `secret`.
    public static func issue(for secret: String) -> String {
        let unmasked = code(for: secret)
        let pad = SecureRandom.bytes(count: unmasked.count)
        return Base64URL.encode(pad + zip(pad, unmasked).map { $0 ^ $1 })
    }

    /// Whether a submitted token was issued for `secret`; compared in constant time.
    public static func isValid(_ submitted: String, for secret: String) -> Bool {
        guard let bytes = Base64URL.decode(submitted), bytes.count == 2 * HMACSHA256.byteCount else { return false }
        let pad = bytes.prefix(HMACSHA256.byteCount)
        let masked = bytes.suffix(HMACSHA256.byteCount)
        return ConstantTime.isEqual(zip(pad, masked).map { $0 ^ $1 }, code(for: secret))
    }

    private static func code(for secret: String) -> [UInt8] {
        HMACSHA256.Key(Array(secret.utf8)).authenticationCode(for: context)
    }
}
