import Fluent

/// How each background job last ended (``JobRuns``), for `/metrics`.
struct M046CreateJobRuns: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(JobRuns.table)
            .field("job", .string, .required)
            .field("runs", .int64, .required)
            .field("failures", .int64, .required)
            .field("last_ok_at", .datetime)
            .field("last_failed_at", .datetime)
            .field("last_error", .string)
            .unique(on: "job")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(JobRuns.table).delete()
    }
}
