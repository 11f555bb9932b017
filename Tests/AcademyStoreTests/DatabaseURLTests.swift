import AcademyStore
import PostgresNIO
import Testing

@Suite struct DatabaseURLTests {
    @Test func readsEveryPart() throws {
        let url = try DatabaseURL("postgresql://acad%40emy:p%2Fw@db.internal:6543/academy_prod?sslmode=require")
        #expect(url.username == "acad@emy")
        #expect(url.password == "p/w")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "academy_prod")
        #expect(url.tlsMode == .require)
    }

    @Test func defaultsPortAndTLS() throws {
        let url = try DatabaseURL("postgres://u@localhost/db")
        #expect(url.port == 5432)
        #expect(url.tlsMode == .prefer)
        #expect(url.password == nil)
    }

    @Test func socketDirectoryComesFromTheHostParameter() throws {
        let url = try DatabaseURL("postgres://u@localhost:54329/db?host=/var/run/academy")
        #expect(url.socketDirectory == "/var/run/academy")
        #expect(url.clientConfiguration().unixSocketPath == "/var/run/academy/.s.PGSQL.54329")
    }

    @Test(arguments: [
        ("http://u@h/db", "must look like"),
        ("postgres://h/db", "names no user"),
        ("postgres://u@h", "names no database"),
        ("postgres://u@h:0/db", "port"),
        ("postgres://u@h/db?sslmode=verify-full", "sslmode=verify-full"),
    ])
    func rejectsWithAReason(raw: String, reason: String) {
        #expect {
            try DatabaseURL(raw)
        } throws: { error in
            (error as? DatabaseURLError)?.description.contains(reason) == true
        }
    }
}
