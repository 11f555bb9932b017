import COpenSSL

/// scrypt (RFC 7914) through OpenSSL's `EVP_PBE_scrypt`.
public enum Scrypt {
    public struct Parameters: Sendable, Equatable {
        /// log2 of the CPU/memory cost N.
        public var logN: Int
        public var r: Int
        public var p: Int

        public init(logN: Int, r: Int, p: Int) {
            self.logN = logN
            self.r = r
            self.p = p
        }

        /// OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB, ≈0.5 s here).
        public static let owasp = Parameters(logN: 17, r: 8, p: 1)

        /// The memory one derivation needs: 128·N·r·p for the mixing plus 128·r·p per lane.
        var memoryBytes: UInt64 {
            128 * (UInt64(1) << UInt64(logN)) * UInt64(r) * UInt64(p) + 128 * UInt64(r) * UInt64(p)
        }

        public var isSupported: Bool {
            (1...22).contains(logN) && (1...32).contains(r) && (1...16).contains(p)
        }
    }

    public static func derive(password: [UInt8], salt: [UInt8], parameters: Parameters, length: Int) -> [UInt8] {
        precondition(parameters.isSupported, "scrypt parameters out of the supported range")
        var output = [UInt8](repeating: 0, count: length)
        // OpenSSL's default memory cap (32 MiB) is below OWASP's N = 2^17, r = 8: pass it explicitly
        // with headroom for OpenSSL's own bookkeeping.
        let maxMemory = parameters.memoryBytes + 1024 * 1024
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBytes { saltBytes in
                output.withUnsafeMutableBufferPointer { outputBytes in
                    EVP_PBE_scrypt(
                        passwordBytes.baseAddress?.assumingMemoryBound(to: CChar.self), password.count,
                        saltBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), salt.count,
                        UInt64(1) << UInt64(parameters.logN), UInt64(parameters.r), UInt64(parameters.p),
                        maxMemory,
                        outputBytes.baseAddress, length
                    )
                }
            }
        }
        precondition(status == 1, "OpenSSL EVP_PBE_scrypt failed (out of memory?)")
        return output
    }
}
