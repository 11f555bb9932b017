/// Password hashes as self-describing strings, `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64url),
/// so that parameters can be raised later: a hash made with weaker ones still verifies and says
/// that it should be recomputed at the next successful login.
public struct PasswordHasher: Sendable {
    public let parameters: Scrypt.Parameters
    static let saltLength = 16
    static let hashLength = 32

    public init(parameters: Scrypt.Parameters = .owasp) {
        self.parameters = parameters
    }

    public enum Verification: Sendable, Equatable {
        case mismatch
        case match(needsRehash: Bool)
    }

    /// Slow on purpose (hundreds of milliseconds at OWASP parameters): call it off the event loop.
    public func hash(_ password: String) -> String {
        let salt = SecureRandom.bytes(count: Self.saltLength)
        let derived = Scrypt.derive(password: Array(password.utf8), salt: salt, parameters: parameters, length: Self.hashLength)
        return Self.encode(parameters: parameters, salt: salt, hash: derived)
    }

    /// Compares in constant time. A stored string this hasher cannot read never matches.
    public func verify(_ password: String, against stored: String) -> Verification {
        guard let decoded = Self.decode(stored) else { return .mismatch }
        let derived = Scrypt.derive(password: Array(password.utf8), salt: decoded.salt, parameters: decoded.parameters, length: decoded.hash.count)
        guard ConstantTime.isEqual(derived, decoded.hash) else { return .mismatch }
        return .match(needsRehash: decoded.parameters != parameters)
    }

    static func encode(parameters: Scrypt.Parameters, salt: [UInt8], hash: [UInt8]) -> String {
        "$scrypt$ln=\(parameters.logN),r=\(parameters.r),p=\(parameters.p)$\(Base64URL.encode(salt))$\(Base64URL.encode(hash))"
    }

    static func decode(_ stored: String) -> (parameters: Scrypt.Parameters, salt: [UInt8], hash: [UInt8])? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [Substring: Int] = [:]
        for setting in parts[2].split(separator: ",") {
            let pair = setting.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let value = Int(pair[1]) else { return nil }
            values[pair[0]] = value
        }
        guard let logN = values["ln"], let r = values["r"], let p = values["p"], values.count == 3 else { return nil }
        let parameters = Scrypt.Parameters(logN: logN, r: r, p: p)
        guard parameters.isSupported,
              let salt = Base64URL.decode(parts[3]), !salt.isEmpty,
              let hash = Base64URL.decode(parts[4]), hash.count >= 16
        else { return nil }
        return (parameters, salt, hash)
    }
}
