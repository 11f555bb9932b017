@testable import AcademyStore
import Testing

@Suite struct SQLScriptTests {
    @Test func splitsAtTopLevelSemicolons() {
        #expect(SQLScript.statements(in: "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n") == [
            "CREATE TABLE a (x int)", "CREATE TABLE b (y int)",
        ])
    }

    @Test func keepsSemicolonsInsideLiteralsCommentsAndDollarQuotes() {
        let script = """
        -- a comment; with a semicolon
        INSERT INTO t VALUES ('it''s; fine', "odd;name");
        /* block; comment */
        CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
        DO $$ BEGIN PERFORM 1; END $$;
        SELECT $1;
        """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix(#"INSERT INTO t VALUES ('it''s; fine', "odd;name")"#))
        #expect(statements[1].hasSuffix("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql"))
        #expect(statements[2] == "DO $$ BEGIN PERFORM 1; END $$")
        #expect(statements[3] == "SELECT $1")
    }

    @Test func dropsEmptyAndCommentOnlyStatements() {
        #expect(SQLScript.statements(in: ";;\n-- nothing here\n;  \n") == [])
    }
}
