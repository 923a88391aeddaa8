import Fluent
import SQLKit

struct M005CreateAuditLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("account_id", .int)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.create(index: "audit_log_entity").on(AuditEntry.schema).column("entity").column("entity_id").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema).delete()
    }
}

extension Migrations {
    /// Every migration of Jili, in order. Sessions live in the database (several instances share them).
    func addJili(clock: JiliClock) {
        add(SessionRecord.migration)
        add(M001CreateOrg())
        add(M002CreateMembers())
        add(M003CreateAccounts())
        add(M004CreateCommerce())
        add(M005CreateAuditLog())
        add(M006CreateApiTokens())
        add(M007CreatePay())
        add(M008CreateMemberSnapshots())
        add(M009CreateLedger())
        add(M010CreatePayouts())
        add(M011CreateDisputes())
        add(M012AddPayoutWithholding())
        add(M013AddApiTokenAccount())
        add(M014SplitRunLines())
        add(M015CreateGoals())
        add(M016CreateContests())
        add(M017CreateHonors())
        add(M018CreateNotices())
        add(M019CreateTitles())
        add(M020CreateNominations())
        add(M021CreateWall())
        add(M022AddPrizeTitle())
        add(M023CreateActivities(clock: clock))
        add(M024CreatePoints())
        add(M025CreateRewards())
        add(M026AddPrizePointsAndItems())
        add(M027CreateMotivation())
        add(M028CreateProfitSharing())
        add(M029AddPrizeChoice())
        add(M030CreatePromotion())
        add(M031CreateTraining())
        add(M032AddTrainingPriority())
        add(M033CreateStudySupport())
    }
}
