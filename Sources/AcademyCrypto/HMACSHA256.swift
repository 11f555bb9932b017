import COpenSSL

/// HMAC-SHA256 (RFC 2104) through OpenSSL's EVP_MAC.
public enum HMACSHA256 {
    public static let byteCount = 32

    /// A key made ready once: every session token is checked against one of a handful of keys,
    /// and preparing the key (fetching the algorithm, hashing its pads) cost more than the MAC.
    ///
    /// `@unchecked Sendable`: the keyed context is written only in `init` and freed only in
    /// `deinit`; in between it is only read, by `EVP_MAC_CTX_dup`, which copies it into a fresh
    /// context per message, so concurrent callers never share mutable state.
    public final class Key: @unchecked Sendable {
        private let keyed: OpaquePointer

        public init(_ secret: [UInt8]) {
            let keyed = secret.withUnsafeBufferPointer { academy_hmac_sha256_keyed($0.baseAddress, $0.count) }
            guard let keyed else { preconditionFailure("OpenSSL HMAC-SHA256 key set-up failed") }
            self.keyed = keyed
        }

        deinit {
            EVP_MAC_CTX_free(keyed)
        }

        public func authenticationCode(for message: [UInt8]) -> [UInt8] {
            message.withUnsafeBytes(authenticationCode)
        }

        /// Verifies a code in constant time.
        public func isValid(_ code: [UInt8], for message: [UInt8]) -> Bool {
            ConstantTime.isEqual(authenticationCode(for: message), code)
        }

        /// The same over bytes where they lie (a token's signed part, inside the token).
        func isValid(_ code: [UInt8], forBytes message: UnsafeRawBufferPointer) -> Bool {
            ConstantTime.isEqual(authenticationCode(message), code)
        }

        private func authenticationCode(_ message: UnsafeRawBufferPointer) -> [UInt8] {
            var code = [UInt8](repeating: 0, count: byteCount)
            let succeeded = code.withUnsafeMutableBufferPointer { output in
                academy_hmac_sha256(keyed, message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count, output.baseAddress)
            }
            precondition(succeeded == 1, "OpenSSL HMAC-SHA256 failed")
            return code
        }
    }
}
