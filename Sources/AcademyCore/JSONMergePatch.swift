extension JSONValue {
    /// This document with `patch` applied as a JSON Merge Patch (RFC 7396): an object's members
    /// are merged into the document's, recursively; a member given as `null` is removed; anything
    /// that is not an object (an array, a string) replaces what was there whole.
    public func applying(mergePatch patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members: [String: JSONValue] = if case .object(let current) = self { current } else { [:] }
        for (key, change) in changes {
            if change == .null {
                members[key] = nil
            } else {
                members[key] = (members[key] ?? .null).applying(mergePatch: change)
            }
        }
        return .object(members)
    }
}
