import Foundation
import Hummingbird
import Logging
import PostgresNIO

// Two routes and nothing around them: `/plain` answers a constant, `/row/{id}` reads one row of
// `bench_reference` by primary key. Settings: BARE_PORT, BARE_DATABASE_* (host, port, user,
// password, name). Logging off, as a tuned production build would run.
let environment = ProcessInfo.processInfo.environment
var logger = Logger(label: "bare")
logger.logLevel = .critical
let client = PostgresClient(
    configuration: .init(
        host: environment["BARE_DATABASE_HOST"] ?? "127.0.0.1",
        port: Int(environment["BARE_DATABASE_PORT"] ?? "5432") ?? 5432,
        username: environment["BARE_DATABASE_USER"] ?? "postgres",
        password: environment["BARE_DATABASE_PASSWORD"],
        database: environment["BARE_DATABASE_NAME"],
        tls: .disable
    ),
    backgroundLogger: logger
)

let router = Router()
router.get("plain") { _, _ in "ok" }
router.get("row/:id") { _, context -> String in
    let id = try context.parameters.require("id", as: Int.self)
    let rows = try await client.query("SELECT payload FROM bench_reference WHERE id = \(id)", logger: logger)
    for try await payload in rows.decode(String.self) {
        return payload
    }
    throw HTTPError(.notFound)
}
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: Int(environment["BARE_PORT"] ?? "8099") ?? 8099)),
    services: [client],
    logger: logger
)
try await app.runService()
