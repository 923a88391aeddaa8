import Fluent
import SQLKit

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
        add(M034CreateInvitations())
        add(M035AddMessageDelivery())
        add(M036AddAccountNames())
        add(M037AddDisputeLine())
        add(M038CreatePayees())
        add(M039AddContestScope())
        add(M040AddPathPrefixIndex())
        add(M041CreateTeamFigures())
        add(M042AddRunReview())
        add(M043AddPageLines())
        add(M044CreateLedgerBalances())
        add(M045MoveRunTextsApart())
        add(M046CreateJobRuns())
    }

    /// How many migrations the database has applied.
    static func applied(on db: any Database) async throws -> Int {
        try await db.sql.select().column(SQLRaw("COUNT(*)"), as: "n").from("_fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
