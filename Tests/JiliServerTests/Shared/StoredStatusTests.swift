import Fluent
import Testing
import Vapor
@testable import JiliServer

@Suite struct StoredStatusTests {
    /// A status column holds only its enum's values: a row with any other does not read.
    @Test func aRowWithAnUnknownStatusDoesNotRead() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).first())
            #expect(run.status == .approved || run.status == .draft)
            try await app.db.sql.raw("UPDATE pay_runs SET status = 'paid-ish' WHERE id = \(bind: run.id!)").run()
            await #expect(throws: (any Error).self) { _ = try await PayRun.find(run.id, on: app.db) }
        }
    }
}
