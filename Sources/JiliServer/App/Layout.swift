import Vapor

/// What every page's frame needs: the visitor's language, who is signed in, the navigation and the
/// CSRF token for forms. Messages come from the `#t` tag (``MessageTag``).
struct Layout: Encodable {
    struct NavItem: Encodable {
        let href: String
        let label: String
        let active: Bool
    }

    let lang: String
    let otherLang: String
    let otherLangLabel: String
    let title: String
    let csrf: String
    let userName: String?
    let roleLabel: String?
    let nav: [NavItem]
    /// The message kept for this page (``Flash``): a change made, or why a form was refused.
    let flashNotice: String?
    let flashError: String?
    let flashWarnings: [String]
    /// A refused form's action, field, reason and typed values (JSON), which app.js puts back.
    let kept: String?

    init(_ req: Request, title: String) {
        let flash = req.takeFlash()
        flashNotice = flash?.notice
        flashError = flash?.error
        flashWarnings = flash?.warnings ?? []
        if let flash, let form = flash.form {
            let back: [String: String?] = ["form": form, "field": flash.field, "message": flash.error]
            var object = back.compactMapValues { $0 } as [String: Any]
            object["values"] = flash.kept ?? [:]
            kept = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
        } else {
            kept = nil
        }
        lang = req.language
        otherLang = lang == "en" ? "zh-CN" : "en"
        otherLangLabel = lang == "en" ? "中文" : "English"
        self.title = title
        csrf = req.csrfToken()
        let account = req.auth.get(Account.self)
        userName = account?.username
        roleLabel = account.map { req.t($0.roleValue.messageKey) }
        var items: [NavItem] = []
        if let account {
            let path = req.url.path
            func item(_ href: String, _ key: String) {
                items.append(NavItem(href: href, label: req.t(key), active: path == href || path.hasPrefix(href + "/")))
            }
            item(SiteURL.dashboard(), "nav_dashboard")
            if account.$member.id != nil { item(SiteURL.statements(), "nav_statements") }
            item(SiteURL.goals(), "nav_goals")
            item(SiteURL.activities(), "nav_activities")
            item(SiteURL.contests(), "nav_contests")
            item(SiteURL.titles(), "nav_titles")
            item(SiteURL.promotion(), "nav_promotion")
            item(SiteURL.training(), "nav_training")
            item(SiteURL.wall(), "nav_wall")
            if account.$member.id != nil { item(SiteURL.notices(), "nav_notices") }
            if account.$member.id != nil { item(SiteURL.points(), "nav_points") }
            item(SiteURL.rewards(), "nav_rewards")
            if account.$member.id != nil { item(SiteURL.motivation(), "nav_motivation") }
            if account.$member.id != nil || ProfitPermissions.mayCreate(account.roleValue) { item(SiteURL.profit(), "nav_profit") }
            if PayPermissions.mayRun(account.roleValue) { item(SiteURL.pay(), "nav_pay") }
            if PayPermissions.mayPay(account.roleValue) { item(SiteURL.payouts(), "nav_payouts") }
            if PayPermissions.mayAnswer(account.roleValue) { item(SiteURL.disputes(), "nav_disputes") }
            if Permissions.memberScope(account, member: nil) != nil || account.$member.id != nil {
                item(SiteURL.members(), "nav_members")
                item(SiteURL.team(), "nav_team")
            }
            if Permissions.orderScope(account, member: nil) != nil || account.$member.id != nil { item(SiteURL.orders(), "nav_orders") }
            item(SiteURL.products(), "nav_products")
            if ImportService.Kind.allCases.contains(where: { ImportExportPermissions.mayImport(account.roleValue, $0) }) { item(SiteURL.imports(), "nav_import") }
            item(SiteURL.org(), "nav_org")
            if AuthPermissions.mayInvite(account.roleValue) { item(SiteURL.accounts(), "nav_accounts") }
            if MessagePermissions.mayReadOutbox(account.roleValue) { item(SiteURL.messages(), "nav_messages") }
            if AuthPermissions.mayManageTokens(account.roleValue) { item(SiteURL.tokens(), "nav_tokens") }
            if AuthPermissions.mayReadAudit(account.roleValue) { item(SiteURL.audit(), "nav_audit") }
        }
        nav = items
    }
}

/// A choice in a `<select>`, for every form that has one.
struct SelectOption: Encodable {
    let value: String
    let label: String
    var selected: Bool = false
}
