public import Foundation

/// JSON written directly, for the few bodies an exam sends thousands of times a minute (the
/// attempt a start or submit answers with, each saved answer): Foundation's JSONEncoder spent a
/// sixth of a quiz start's server time building and converting them. Members are written in
/// the order given; callers give them sorted, as the API's encoder sorts them. Strings are
/// escaped as `QuotedText` does, numbers written as JSONEncoder writes them (a whole `Double`
/// without a fraction), dates as RFC 3339 (`RFC3339`).
public struct JSONWriter: Sendable {
    public private(set) var text = ""
    /// Whether the next value or key follows another in the same object or array.
    private var followsValue = false

    public init(capacity: Int = 1024) {
        text.reserveCapacity(capacity)
    }

    public mutating func object(_ members: (inout JSONWriter) throws -> Void) rethrows {
        try container("{", "}", members)
    }

    public mutating func array(_ elements: (inout JSONWriter) throws -> Void) rethrows {
        try container("[", "]", elements)
    }

    private mutating func container(_ open: String, _ close: String, _ body: (inout JSONWriter) throws -> Void) rethrows {
        separate()
        text += open
        followsValue = false
        try body(&self)
        text += close
        followsValue = true
    }

    /// The key of the next member of the object being written; its value follows.
    public mutating func key(_ name: String) {
        separate()
        QuotedText.append(name, to: &text)
        text += ":"
        followsValue = false
    }

    // A member whose value is a plain one: its key, then the value.

    public mutating func member(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    public mutating func member(_ name: String, _ value: Int?) {
        key(name)
        number(value)
    }

    public mutating func member(_ name: String, _ value: Double?) {
        key(name)
        number(value)
    }

    public mutating func member(_ name: String, _ value: Bool?) {
        key(name)
        bool(value)
    }

    public mutating func member(_ name: String, _ value: Date?) {
        key(name)
        date(value)
    }

    /// Escaped straight into the document, with no literal built on the side.
    public mutating func string(_ value: String?) {
        guard let value else { return write(nil) }
        separate()
        QuotedText.append(value, to: &text)
        followsValue = true
    }

    public mutating func number(_ value: Int?) {
        write(value.map(String.init))
    }

    public mutating func number(_ value: Double?) {
        write(value.map(Self.number))
    }

    public mutating func bool(_ value: Bool?) {
        write(value.map { $0 ? "true" : "false" })
    }

    public mutating func date(_ value: Date?) {
        write(value.map { QuotedText.doubleQuoted(RFC3339.string(from: $0)) })
    }

    /// A whole number without a fraction, as JSONEncoder writes it (`2`, not `2.0`).
    static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.isFinite ? "\(value)" : "null"
    }

    private mutating func write(_ literal: String?) {
        separate()
        text += literal ?? "null"
        followsValue = true
    }

    private mutating func separate() {
        if followsValue { text += "," }
    }
}
