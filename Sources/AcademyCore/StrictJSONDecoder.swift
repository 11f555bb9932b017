public import Foundation

/// Decodes request bodies the way the API contract promises: `snake_case` keys, RFC 3339 dates,
/// and no silent typos. A key the target type never reads is reported as an unknown field, every
/// failure names the field by its dotted path, and malformed JSON is told apart from valid JSON
/// with wrong values (400 versus 422).
public struct StrictJSONDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(AcademyError) -> T {
        try decode(type, from: try Self.document(bytes))
    }

    /// The bytes as a JSON tree; malformed JSON is a 400 that says where.
    public static func document(_ bytes: [UInt8]) throws(AcademyError) -> JSONValue {
        switch JSONParser.parse(bytes) {
        case .success(let root):
            return root
        case .failure(let failure):
            throw .malformedRequest("The body is not valid JSON: \(failure.reason) at byte \(failure.offset).")
        }
    }

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(AcademyError) -> T {
        try decode(type, from: Array(data))
    }

    public func decode<T: Decodable>(_ type: T.Type, from root: JSONValue) throws(AcademyError) -> T {
        let usage = KeyUsage()
        let value: T
        do {
            value = try T(from: JSONTreeDecoder(value: root, codingPath: [], usage: usage))
        } catch let error as DecodingError {
            throw .validationFailed([Self.fieldError(for: error)])
        } catch let error as AcademyError {
            throw error
        } catch {
            throw .validationFailed([FieldError(field: "", message: "\(error)")])
        }
        let unknown = usage.unknownFields()
        guard unknown.isEmpty else {
            throw .validationFailed(unknown.map { FieldError(field: $0, message: "is not a known field") })
        }
        return value
    }

    static func fieldError(for error: DecodingError) -> FieldError {
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(field: dottedPath(context.codingPath + [key]), message: "is required")
        case .valueNotFound(_, let context):
            return FieldError(field: dottedPath(context.codingPath), message: context.debugDescription)
        case .typeMismatch(_, let context):
            return FieldError(field: dottedPath(context.codingPath), message: context.debugDescription)
        case .dataCorrupted(let context):
            return FieldError(field: dottedPath(context.codingPath), message: context.debugDescription)
        @unknown default:
            return FieldError(field: "", message: "\(error)")
        }
    }

    static func dottedPath(_ path: [any CodingKey]) -> String {
        path.map { key in key.intValue.map(String.init) ?? key.stringValue }.joined(separator: ".")
    }
}

/// Records, for every JSON object the decoding opened, which of its keys were read. Containers
/// opened twice on the same object (a type that decodes another type from the same decoder, then
/// reads a key of its own) share one record, so a key counts as known if any of them reads it.
private final class KeyUsage {
    private var objects: [(path: String, keys: Set<String>, read: Set<String>)] = []
    private var indexByPath: [String: Int] = [:]
    private var literalObjects: Set<Int> = []

    func register(path: [any CodingKey], keys: Dictionary<String, JSONValue>.Keys) -> Int {
        let dotted = StrictJSONDecoder.dottedPath(path)
        if let existing = indexByPath[dotted] { return existing }
        objects.append((dotted, Set(keys), []))
        indexByPath[dotted] = objects.count - 1
        return objects.count - 1
    }

    func markRead(_ key: String, in object: Int) {
        objects[object].read.insert(key)
    }

    /// Whoever lists an object's keys (a dictionary) reads them all, under their literal names.
    func markAllRead(in object: Int) {
        objects[object].read = objects[object].keys
        literalObjects.insert(object)
    }

    func isLiteral(_ object: Int) -> Bool {
        literalObjects.contains(object)
    }

    func unknownFields() -> [String] {
        objects.flatMap { object in
            object.keys.subtracting(object.read).sorted().map { key in
                object.path.isEmpty ? key : "\(object.path).\(key)"
            }
        }
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(intValue: Int) { self.intValue = intValue; self.stringValue = String(intValue) }
    init?(stringValue: String) { return nil }
}

private struct JSONTreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let usage: KeyUsage
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw DecodingError.typeMismatch(
                [String: Any].self,
                .init(codingPath: codingPath, debugDescription: "must be an object, not \(value.kindDescription)")
            )
        }
        let id = usage.register(path: codingPath, keys: object.keys)
        return KeyedDecodingContainer(ObjectContainer<Key>(object: object, objectID: id, codingPath: codingPath, usage: usage))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else {
            throw DecodingError.typeMismatch(
                [Any].self,
                .init(codingPath: codingPath, debugDescription: "must be an array, not \(value.kindDescription)")
            )
        }
        return ArrayContainer(elements: array, codingPath: codingPath, usage: usage)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ValueContainer(value: value, codingPath: codingPath, usage: usage)
    }
}

/// Decoding of one value, shared by the three container kinds.
private func decodeValue<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey], usage: KeyUsage) throws -> T {
    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(T.self, .init(codingPath: path, debugDescription: "must be \(expected), not \(value.kindDescription)"))
    }
    if case .null = value, !(T.self is any ExpressibleByNilLiteral.Type) {
        throw DecodingError.valueNotFound(T.self, .init(codingPath: path, debugDescription: "must not be null"))
    }
    switch T.self {
    case is String.Type:
        guard case .string(let string) = value else { throw mismatch("a string") }
        // Valid JSON, but PostgreSQL cannot store it in text: refused here, for every field.
        guard !string.unicodeScalars.contains("\u{0}") else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "must not contain the NUL character (U+0000)"))
        }
        return string as! T
    case is Bool.Type:
        guard case .bool(let bool) = value else { throw mismatch("a boolean") }
        return bool as! T
    case let integerType as any FixedWidthInteger.Type:
        guard case .number(let number) = value, let integer = integerType.init(exactly: number) else {
            throw mismatch("an integer in range")
        }
        return integer as! T
    case let floatType as any BinaryFloatingPoint.Type:
        guard case .number(let number) = value else { throw mismatch("a number") }
        return floatType.init(number) as! T
    case is Date.Type:
        guard case .string(let string) = value else { throw mismatch("an RFC 3339 timestamp") }
        guard let date = RFC3339.date(from: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "must be an RFC 3339 timestamp such as 2026-11-07T09:00:00Z"))
        }
        return date as! T
    case is UUID.Type:
        guard case .string(let string) = value else { throw mismatch("a UUID string") }
        guard let uuid = UUID(uuidString: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "must be a UUID"))
        }
        return uuid as! T
    default:
        return try T(from: JSONTreeDecoder(value: value, codingPath: path, usage: usage))
    }
}

private struct ObjectContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let objectID: Int
    let codingPath: [any CodingKey]
    let usage: KeyUsage

    var allKeys: [Key] {
        usage.markAllRead(in: objectID)
        return object.keys.sorted().compactMap { Key(stringValue: $0) }
    }

    /// Swift names properties in camelCase, the API in snake_case; the keys of a dictionary
    /// (language tags, say) are data and looked up literally.
    private func jsonKey(_ key: Key) -> String {
        usage.isLiteral(objectID) ? key.stringValue : SnakeCase.convert(key.stringValue)
    }

    private func path(_ key: Key) -> [any CodingKey] {
        codingPath + [JSONKey(jsonKey(key))]
    }

    func contains(_ key: Key) -> Bool {
        let name = jsonKey(key)
        usage.markRead(name, in: objectID)
        return object[name] != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        let name = jsonKey(key)
        usage.markRead(name, in: objectID)
        guard let value = object[name] else { return true }
        return value == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let name = jsonKey(key)
        usage.markRead(name, in: objectID)
        guard let value = object[name] else {
            throw DecodingError.keyNotFound(JSONKey(name), .init(codingPath: codingPath, debugDescription: "is required"))
        }
        return try decodeValue(type, from: value, at: path(key), usage: usage)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try superDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONTreeDecoder(value: .object(object), codingPath: codingPath, usage: usage)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let name = jsonKey(key)
        usage.markRead(name, in: objectID)
        return JSONTreeDecoder(value: object[name] ?? .null, codingPath: path(key), usage: usage)
    }
}

private struct JSONKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

private struct ArrayContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    let usage: KeyUsage
    var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey], usage: KeyUsage) {
        self.elements = elements
        self.codingPath = codingPath
        self.usage = usage
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func checkNotAtEnd<T>(_ type: T.Type) throws {
        if isAtEnd {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "has too few elements"))
        }
    }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd(Any?.self)
        if elements[currentIndex] == .null {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try checkNotAtEnd(type)
        let value = try decodeValue(type, from: elements[currentIndex], at: codingPath + [IndexKey(intValue: currentIndex)], usage: usage)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try superDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try checkNotAtEnd(Any.self)
        defer { currentIndex += 1 }
        return JSONTreeDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(intValue: currentIndex)], usage: usage)
    }
}

private struct ValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let usage: KeyUsage

    func decodeNil() -> Bool { value == .null }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, at: codingPath, usage: usage)
    }
}
