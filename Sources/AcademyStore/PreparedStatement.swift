import Foundation
import PostgresNIO
import Synchronization

/// A statement that a hot path runs on every request, so it is prepared once per pooled
/// connection and then executed by name. Planning, not running, was most of what the database
/// spent on a lesson read or a quiz start (pg_stat_statements on the bench: 1.1 to 3 ms of
/// planning against 0.2 to 1 ms of execution per request), and a prepared statement with a
/// stable plan skips it.
///
/// Each conforming type is a statement: its SQL with `$n` parameters and their types, spelled
/// out so that PostgreSQL never guesses a parameter's type from a first execution's values. A
/// pooler in front of PostgreSQL must run in session mode (or be PgBouncer 1.21 or later).
protocol PreparedSQL {
    static var sql: String { get }
    static var parameterTypes: [PostgresDataType] { get }
}

/// The PostgresNIO statement that runs a `PreparedSQL` with its bindings and decodes its rows as
/// `Column...`.
struct Prepared<Statement: PreparedSQL, each Column: PostgresDecodable>: PostgresPreparedStatement {
    // Named by the statement's type, qualified by module and enclosing type, so no two share a
    // name. PostgreSQL truncates names to 63 bytes, which could make two names one: the tests
    // run every statement, and this stops them at a name too long.
    static var name: String {
        PreparedNames.name(of: Statement.self)
    }
    static var sql: String { Statement.sql }
    static var bindingDataTypes: [PostgresDataType] { Statement.parameterTypes }

    typealias Row = (repeat each Column)

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings {
        bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}

/// Each statement's name, worked out once: `String(reflecting:)` on every execution took 0.7% of a
/// lesson read's server time (perf).
enum PreparedNames {
    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func name(of statement: any PreparedSQL.Type) -> String {
        let key = ObjectIdentifier(statement)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = String(reflecting: statement)
        assert(name.utf8.count <= 63, "The prepared statement name \(name) is longer than PostgreSQL keeps.")
        names.withLock { $0[key] = name }
        return name
    }
}

/// The PostgresNIO statement that runs a `PreparedSQL` and hands its rows over undecoded, for rows
/// made of parts that different repositories decode in turn (`ColumnReader`).
struct PreparedRows<Statement: PreparedSQL>: PostgresPreparedStatement {
    static var name: String { Prepared<Statement>.name }
    static var sql: String { Statement.sql }
    static var bindingDataTypes: [PostgresDataType] { Statement.parameterTypes }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings {
        bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow {
        row
    }
}

/// Reads a row's columns in order, a part at a time: an item's own columns, then those of its
/// course standing (`CourseRepository.StandingRow`), each part decoded by the code that owns it.
struct ColumnReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    /// The next columns, as `types`.
    mutating func read<each Column: PostgresDecodable>(_ types: (repeat each Column).Type) throws -> (repeat each Column) {
        (repeat try next((each Column).self))
    }

    private mutating func next<Column: PostgresDecodable>(_ type: Column.Type) throws -> Column {
        guard let cell = cells.next() else { throw MissingColumn() }
        return try cell.decode(type)
    }

    /// The statement returned fewer columns than its reader reads: a statement and its reader
    /// out of step, which the tests run into.
    struct MissingColumn: Error {}
}

extension PostgresBindings {
    /// Bindings for a prepared statement, in parameter order; an optional value binds NULL when
    /// it is nil.
    init<each Value: PostgresBindable>(_ values: repeat each Value) {
        self.init()
        repeat (each values).bind(to: &self)
    }
}

/// A value that binds to a prepared statement's parameter.
protocol PostgresBindable {
    func bind(to bindings: inout PostgresBindings)
}

extension PostgresBindable where Self: PostgresDynamicTypeEncodable {
    func bind(to bindings: inout PostgresBindings) {
        bindings.append(self)
    }
}

extension Optional: PostgresBindable where Wrapped: PostgresDynamicTypeEncodable {
    func bind(to bindings: inout PostgresBindings) {
        bindings.append(self)
    }
}

extension UUID: PostgresBindable {}
extension String: PostgresBindable {}
extension Int: PostgresBindable {}
extension Bool: PostgresBindable {}
extension Double: PostgresBindable {}
extension Date: PostgresBindable {}
extension Array: PostgresBindable where Element: PostgresArrayEncodable & PostgresNonThrowingEncodable {}

extension DatabaseConnection {
    /// Every row of a prepared statement, decoded.
    func rows<Statement: PreparedSQL, each Column: PostgresDecodable>(
        _ statement: Statement.Type, _ bindings: PostgresBindings, as types: (repeat each Column).Type
    ) async throws -> [(repeat each Column)] {
        var rows: [(repeat each Column)] = []
        for try await row in try await underlying.execute(Prepared<Statement, repeat each Column>(bindings: bindings), logger: logger) {
            rows.append(row)
        }
        return rows
    }

    /// Runs a prepared statement that returns no rows.
    func run<Statement: PreparedSQL>(_ statement: Statement.Type, _ bindings: PostgresBindings) async throws {
        _ = try await underlying.execute(Prepared<Statement>(bindings: bindings), logger: logger)
    }
}

extension Database {
    /// Every row of a prepared statement, undecoded (`ColumnReader`), on a pooled connection of
    /// its own.
    func undecodedRows<Statement: PreparedSQL>(_ statement: Statement.Type, _ bindings: PostgresBindings) async throws -> [PostgresRow] {
        try await withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.underlying.execute(PreparedRows<Statement>(bindings: bindings), logger: connection.logger) {
                rows.append(row)
            }
            return rows
        }
    }

    /// Every row of a prepared statement, on a pooled connection of its own.
    func rows<Statement: PreparedSQL, each Column: PostgresDecodable & Sendable>(
        _ statement: Statement.Type, _ bindings: PostgresBindings, as types: (repeat each Column).Type
    ) async throws -> [(repeat each Column)] {
        try await withConnection { connection in
            try await connection.rows(statement, bindings, as: types)
        }
    }
}
