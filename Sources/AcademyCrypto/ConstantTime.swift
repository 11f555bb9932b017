import COpenSSL

/// Comparison of secrets (MACs, key digests) whose running time does not reveal where the first
/// difference lies.
public enum ConstantTime {
    public static func isEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        // Lengths of MACs and digests are public; only their contents must not leak.
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, lhs.count) == 0
            }
        }
    }
}
