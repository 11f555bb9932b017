/// A JSON document as a tree, keeping object keys so that a strict decoder can tell which keys
/// a request type did not read.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// What a client would call this value's type, for error messages.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// One text for every way of writing the same document (object keys sorted, no spaces): two
    /// requests whose bodies differ only in key order or layout are the same request.
    public var canonicalText: String {
        var text = ""
        write(canonicallyTo: &text)
        return text
    }

    private func write(canonicallyTo text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += "\(value)"
        case .string(let value): text += QuotedText.doubleQuoted(value)
        case .array(let values):
            text += "["
            for (index, value) in values.enumerated() {
                if index > 0 { text += "," }
                value.write(canonicallyTo: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                text += QuotedText.doubleQuoted(key) + ":"
                members[key]?.write(canonicallyTo: &text)
            }
            text += "}"
        }
    }
}
