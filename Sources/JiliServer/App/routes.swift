import Vapor

/// Every route. Pages behind sign-in go through the session authenticator, ``RequireAccount`` and
/// ``CSRFProtection``.
func routes(_ app: Application) throws {
    let web = app.grouped(KeptAccountAuthenticator(recent: app.recentAccounts))
    try web.grouped(CSRFProtection()).register(collection: SignInController())
    try web.grouped(CSRFProtection()).register(collection: InvitationController())
    try web.register(collection: WeChatSignInController())
    let signedIn = web.grouped(RequireAccount(), CSRFProtection())
    try signedIn.register(collection: DashboardController())
    try signedIn.register(collection: TeamController())
    try signedIn.register(collection: MemberEditController())
    try signedIn.register(collection: OrgController())
    try signedIn.register(collection: OrgEditController())
    try signedIn.register(collection: OrderController())
    try signedIn.register(collection: ProductController())
    try signedIn.register(collection: ImportExportController())
    try signedIn.register(collection: PayController())
    try signedIn.register(collection: AuditController())
    try signedIn.register(collection: PayoutController())
    try signedIn.register(collection: DisputeController())
    try signedIn.register(collection: BalanceController())
    try signedIn.register(collection: PayeeController())
    try signedIn.register(collection: StatementController())
    try signedIn.register(collection: PlanEditorController())
    try signedIn.register(collection: GoalController())
    try signedIn.register(collection: ContestController())
    try signedIn.register(collection: ChampionController())
    try signedIn.register(collection: NoticeController())
    try signedIn.register(collection: MoreController())
    try signedIn.register(collection: TitleController())
    try signedIn.register(collection: WallController())
    try signedIn.register(collection: ActivityController())
    try signedIn.register(collection: PointsController())
    try signedIn.register(collection: RewardController())
    try signedIn.register(collection: MotivationController())
    try signedIn.register(collection: ProfitController())
    try signedIn.register(collection: PromotionController())
    try signedIn.register(collection: TrainingController())
    try signedIn.register(collection: StudyController())
    try signedIn.register(collection: EventController())
    app.get(SiteURL.healthz) { _ in "ok" }
    try app.register(collection: MetricsController())
    // Ready for traffic: migrated, and the database answers.
    app.get(SiteURL.readyz) { req async -> Response in
        guard req.application.isReady, (try? await req.db.sql.raw("SELECT 1").run()) != nil else {
            return Response(status: .serviceUnavailable, body: .init(string: "not ready"))
        }
        return Response(status: .ok, body: .init(string: "ready"))
    }
    try app.register(collection: APIController())
    try app.register(collection: PayAPIController())
    try app.register(collection: RewardAPIController())
    try app.register(collection: PromotionAPIController())
    try app.register(collection: TrainingAPIController())
    try signedIn.register(collection: TokenController())
    try signedIn.register(collection: AccountsController())
    try signedIn.register(collection: PasswordController())
    try signedIn.register(collection: MessagesController())
    try app.register(collection: MessagesAPIController())
}
