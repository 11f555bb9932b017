/// An optional that a response writes as `null` instead of leaving its key out: every documented
/// field of a response is always present (docs/API.md), so clients never need a "missing" case.
/// Synthesized `Encodable` skips nil optionals; this wrapper is what lets response DTOs stay
/// synthesized.
@propertyWrapper
struct NullEncoded<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(wrappedValue)
        } else {
            try container.encodeNil()
        }
    }
}
