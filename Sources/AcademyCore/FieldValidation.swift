/// Collects the field errors of one request so that a client learns every problem at once.
public struct FieldValidation {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func check<Value>(_ result: Result<Value, FieldError>) -> Value? {
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            errors.append(error)
            return nil
        }
    }

    public mutating func check<Value>(_ value: Value?, _ rule: (Value) -> Result<Value, FieldError>) -> Value? {
        value.flatMap { check(rule($0)) }
    }

    /// `value`, or nil with "is required" for `field` when it is missing.
    @discardableResult
    public mutating func require<Value>(_ value: Value?, _ field: String) -> Value? {
        if value == nil { errors.append(FieldError(field: field, message: "is required")) }
        return value
    }

    public mutating func add(_ error: FieldError) {
        errors.append(error)
    }

    /// Throws every collected error, if any.
    public func finish() throws(AcademyError) {
        if !errors.isEmpty {
            throw .validationFailed(errors)
        }
    }
}
