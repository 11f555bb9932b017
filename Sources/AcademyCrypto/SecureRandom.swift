import COpenSSL

/// Randomness for secrets (session ids, salts, keys) from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// `count` random bytes. A CSPRNG that cannot serve is a broken machine, not a condition to
    /// work around: handing out predictable secrets would be worse than stopping.
    public static func bytes(count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let status = buffer.withUnsafeMutableBufferPointer { pointer in
            RAND_bytes(pointer.baseAddress, Int32(count))
        }
        precondition(status == 1, "OpenSSL RAND_bytes failed: the system's random generator is unavailable")
        return buffer
    }
}
