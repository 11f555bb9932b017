public import Foundation

extension UUID {
    /// Ids as the academy writes them (in JSON, links, certificates): lowercase, as RFC 9562 recommends.
    public var apiString: String { uuidString.lowercased() }
}
