import Vapor

/// Every address of the site's pages, forms and files: routes are registered from these, and every link,
/// form action and redirect is made from them (`SiteURL.member(code)`, in a template `#url("member", code)`).
/// The API's addresses are its OpenAPI document's (`/api/v1/openapi.json`).
enum SiteURL {
    /// The most the forms that upload may send: a CSV or spreadsheet file; a photo (of the wall, of a
    /// receipt) of at most 5 MB with the fields; a lesson's file of at most 20 MB with the fields.
    static let importFile: ByteCount = "64mb"
    static let photoForm: ByteCount = "6mb"
    static let lessonForm: ByteCount = "21mb"

    // Home and sign-in
    static let root = Address("root", "/")
    static let dashboard = Address("dashboard", "/dashboard")
    static let notices = Address("notices", "/notices")
    static let messages = Address("messages", "/messages")
    static let more = Address("more", "/more")
    static let area = Address1("area", "/more/:area")
    static let signIn = Address("signIn", "/signin")
    static let signOut = Address("signOut", "/signout")
    static let wechatSignIn = Address("wechatSignIn", "/signin/wechat")
    static let wechatCallback = Address("wechatCallback", "/signin/wechat/callback")
    static let setup = Address("setup", "/setup")
    static let healthz = Address("healthz", "/healthz")
    static let readyz = Address("readyz", "/readyz")
    static let metrics = Address("metrics", "/metrics")
    static let stylesheet = Address("stylesheet", "/app.css")
    static let script = Address("script", "/app.js")
    static let openAPI = Address("openAPI", "/api/v1/openapi.json")
    static let audit = Address("audit", "/audit")
    static let tokens = Address("tokens", "/tokens")
    static let revokeToken = Address1("revokeToken", "/tokens/:id/revoke")

    // Accounts: invitations, roles, passwords
    static let accounts = Address("accounts", "/accounts")
    static let invite = Address("invite", "/accounts/invite")
    static let inviteAll = Address("inviteAll", "/accounts/invite/all")
    static let revokeInvitation = Address1("revokeInvitation", "/accounts/invitations/:id/revoke")
    static let accountReset = Address1("accountReset", "/accounts/:id/reset")
    static let accountRole = Address1("accountRole", "/accounts/:id/role")
    static let accountEnabled = Address1("accountEnabled", "/accounts/:id/enabled")
    static let invitation = Address1("invitation", "/invite/:token")
    static let resetPassword = Address1("resetPassword", "/reset/:token")
    static let password = Address("password", "/account/password")

    // Team
    static let members = Address("members", "/members")
    static let newMember = Address("newMember", "/members/new")
    static let member = Address1("member", "/members/:code")
    static let editMember = Address1("editMember", "/members/:code/edit")
    static let memberCases = Address1("memberCases", "/members/:code/cases")
    static let closeCase = Address2("closeCase", "/members/:code/cases/:id/close")
    static let team = Address("team", "/team")
    static let org = Address("org", "/org")
    static let editOrg = Address("editOrg", "/org/edit")
    static let departments = Address("departments", "/org/departments")
    static let department = Address1("department", "/org/departments/:id")
    static let deleteDepartment = Address1("deleteDepartment", "/org/departments/:id/delete")
    static let positions = Address("positions", "/org/positions")
    static let position = Address1("position", "/org/positions/:id")
    static let deletePosition = Address1("deletePosition", "/org/positions/:id/delete")

    // Import and export
    static let imports = Address("imports", "/import", maxBody: Self.importFile)
    static let export = Address1("export", "/export/:file")

    // Commerce
    static let orders = Address("orders", "/orders")
    static let newOrder = Address("newOrder", "/orders/new")
    static let order = Address1("order", "/orders/:code")
    static let refunds = Address1("refunds", "/orders/:code/refunds")
    static let products = Address("products", "/products")
    static let newProduct = Address("newProduct", "/products/new")
    static let product = Address1("product", "/products/:code")

    // Pay
    static let pay = Address("pay", "/pay")
    static let versions = Address("versions", "/pay/versions")
    static let newVersion = Address("newVersion", "/pay/versions/new")
    static let versionForm = Address("versionForm", "/pay/versions/form")
    static let version = Address1("version", "/pay/versions/:id")
    static let activateVersion = Address1("activateVersion", "/pay/versions/:id/activate")
    static let whatIf = Address1("whatIf", "/pay/versions/:id/whatif")
    static let runs = Address("runs", "/pay/runs")
    static let run = Address1("run", "/pay/runs/:period")
    static let approveRun = Address1("approveRun", "/pay/runs/:period/approve")
    static let statements = Address("statements", "/statements")
    static let statement = Address1("statement", "/statements/:period")
    static let printStatement = Address1("printStatement", "/statements/:period/print")
    static let statementCSV = Address1("statementCSV", "/statements/:period/csv")
    static let statementDisputes = Address1("statementDisputes", "/statements/:period/disputes")
    static let disputes = Address("disputes", "/disputes")
    static let answerDispute = Address1("answerDispute", "/disputes/:id/answer")
    static let balance = Address("balance", "/balance")
    static let payouts = Address("payouts", "/payouts")
    static let payout = Address1("payout", "/payouts/:id")
    static let transfer = Address1("transfer", "/payouts/transfers/:id")
    /// A batch's bulk transfer file for the bank or WeChat Pay (`?format=csv` or `xlsx`).
    static let transferFile = Address1("transferFile", "/payouts/:id/transfer-file")
    /// The month's 个税扣缴申报 list of 劳务报酬 for the 扣缴端 (`?format=csv` or `xlsx`).
    static let taxList = Address1("taxList", "/payouts/tax/:month")
    static let payee = Address("payee", "/payee")

    // Recognition
    static let goals = Address("goals", "/goals")
    static let raiseGoals = Address("raiseGoals", "/goals/raise")
    static let goalImport = Address("goalImport", "/goals/import", maxBody: Self.importFile)
    static let activities = Address("activities", "/activities")
    static let activityKinds = Address("activityKinds", "/activities/kinds")
    static let activityImport = Address("activityImport", "/activities/import", maxBody: Self.importFile)
    static let contests = Address("contests", "/contests")
    static let contest = Address1("contest", "/contests/:id")
    static let contestScreen = Address1("contestScreen", "/contests/:id/screen")
    static let choosePrize = Address1("choosePrize", "/contests/:id/choose")
    static let champions = Address("champions", "/champions")
    static let titles = Address("titles", "/titles")
    static let grantTitle = Address("grantTitle", "/titles/grant")
    static let nominate = Address("nominate", "/titles/nominate")
    static let confirmNomination = Address1("confirmNomination", "/titles/nominations/:id/confirm")
    static let declineNomination = Address1("declineNomination", "/titles/nominations/:id/decline")
    static let wall = Address("wall", "/wall", maxBody: Self.photoForm)
    static let wallPhoto = Address1("wallPhoto", "/wall/photos/:name")
    static let react = Address1("react", "/wall/:id/react")
    static let comments = Address1("comments", "/wall/:id/comments")
    static let hidePost = Address1("hidePost", "/wall/:id/hide")
    static let restorePost = Address1("restorePost", "/wall/:id/restore")
    static let pin = Address1("pin", "/wall/:id/pin")
    static let unpin = Address1("unpin", "/wall/:id/unpin")
    static let hideComment = Address1("hideComment", "/wall/comments/:id/hide")
    static let motivation = Address("motivation", "/motivation")

    // Points
    static let points = Address("points", "/points")
    static let pointsRules = Address("pointsRules", "/points/rules")
    static let rewards = Address("rewards", "/rewards")
    static let redeem = Address1("redeem", "/rewards/:id/redeem")
    static let redemptions = Address("redemptions", "/rewards/redemptions")
    static let approveRedemption = Address1("approveRedemption", "/rewards/redemptions/:id/approve")
    static let declineRedemption = Address1("declineRedemption", "/rewards/redemptions/:id/decline")
    static let handOver = Address1("handOver", "/rewards/redemptions/:id/hand-over")
    static let cancelRedemption = Address1("cancelRedemption", "/rewards/redemptions/:id/cancel")
    static let profit = Address("profit", "/profit")

    // Promotion
    static let promotion = Address("promotion", "/promotion")
    static let proposals = Address("proposals", "/promotion/proposals")
    static let evaluate = Address("evaluate", "/promotion/evaluate")
    static let ladder = Address("ladder", "/promotion/ladder")

    // Training
    static let training = Address("training", "/training")
    static let courses = Address("courses", "/training/courses")
    static let course = Address1("course", "/training/courses/:id")
    static let lessons = Address1("lessons", "/training/courses/:id/lessons", maxBody: Self.lessonForm)
    static let questions = Address1("questions", "/training/courses/:id/questions")
    static let quiz = Address1("quiz", "/training/courses/:id/quiz")
    static let lessonFile = Address1("lessonFile", "/training/files/:name")
    static let sessions = Address("sessions", "/training/sessions")
    static let session = Address1("session", "/training/sessions/:id")
    static let enroll = Address1("enroll", "/training/sessions/:id/enroll")
    static let cancelSeat = Address1("cancelSeat", "/training/sessions/:id/cancel")
    static let attendance = Address1("attendance", "/training/sessions/:id/attendance")
    static let certificate = Address1("certificate", "/training/certificates/:number")
    static let events = Address("events", "/training/events")
    static let applyToEvent = Address1("applyToEvent", "/training/events/:id/apply")
    static let decideApplication = Address1("decideApplication", "/training/events/applications/:id/decide")
    static let withdrawApplication = Address1("withdrawApplication", "/training/events/applications/:id/withdraw")
    static let applicationAttendance = Address1("applicationAttendance", "/training/events/applications/:id/attendance")
    static let claims = Address("claims", "/training/claims", maxBody: Self.photoForm)
    static let approveClaim = Address1("approveClaim", "/training/claims/:id/approve")
    static let refuseClaim = Address1("refuseClaim", "/training/claims/:id/refuse")
    static let withdrawClaim = Address1("withdrawClaim", "/training/claims/:id/withdraw")
    static let receipt = Address1("receipt", "/training/claims/:id/receipt")
    static let studyLimits = Address("studyLimits", "/training/limits")

    /// Every address, for templates (by name), the upload limits and the tests.
    static let all: [any SiteAddress] = [
        root, dashboard, notices, messages, more, area, signIn, signOut, wechatSignIn, wechatCallback, setup, healthz, readyz, metrics, stylesheet, script, openAPI, audit, tokens,
        revokeToken, accounts, invite, inviteAll, revokeInvitation, accountReset, accountRole, accountEnabled, invitation,
        resetPassword, password, members, newMember, member, editMember, memberCases, closeCase, team, org, editOrg, departments,
        department, deleteDepartment, positions, position, deletePosition, imports, export, orders, newOrder, order,
        refunds, products, newProduct, product, pay, versions, newVersion, versionForm, version, activateVersion,
        whatIf, runs, run, approveRun, statements, statement, printStatement, statementCSV, statementDisputes, disputes,
        answerDispute, balance, payouts, payout, transfer, transferFile, taxList, payee, goals, raiseGoals, goalImport, activities, activityKinds,
        activityImport, contests, contest, contestScreen, choosePrize, champions, titles, grantTitle, nominate,
        confirmNomination, declineNomination, wall, wallPhoto, react, comments, hidePost, restorePost, pin, unpin,
        hideComment, motivation, points, pointsRules, rewards, redeem, redemptions, approveRedemption,
        declineRedemption, handOver, cancelRedemption, profit, promotion, proposals, evaluate, ladder, training,
        courses, course, lessons, questions, quiz, lessonFile, sessions, session, enroll, cancelSeat, attendance,
        certificate, events, applyToEvent, decideApplication, withdrawApplication, applicationAttendance, claims,
        approveClaim, refuseClaim, withdrawClaim, receipt, studyLimits,
    ]

    static let named: [String: any SiteAddress] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The most a form posted to `path` may send, when it uploads files.
    static func maxBody(_ path: String) -> ByteCount? {
        all.first { $0.maxBody != nil && $0.matches(path) }?.maxBody
    }
}
