import Vapor

/// What every page's frame needs: the visitor's language, who is signed in, the navigation and the
/// CSRF token for forms. Messages come from the `#t` tag (``MessageTag``).
struct Layout: Encodable {
    struct NavItem: Encodable {
        let href: String
        let label: String
        /// The symbol drawn above the label (`#i-home` in the layout's sprite).
        let icon: String
        let active: Bool
    }

    let lang: String
    let otherLang: String
    let otherLangLabel: String
    let title: String
    let csrf: String
    let userName: String?
    let roleLabel: String?
    /// The bottom bar: at most five items for the role (``Navigation``).
    let bar: [NavItem]
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
            if let fields = flash.fields { object["fields"] = fields }
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
        userName = account?.name
        roleLabel = account.map { req.t($0.roleValue.messageKey) }
        if let account {
            let active = Navigation.active(path: req.url.path, account: account)
            bar = Navigation.bar(for: account.roleValue).compactMap { item in
                let (href, key, icon): (String, String, String)
                switch item {
                case .home: (href, key, icon) = (SiteURL.dashboard(), "nav_dashboard", "home")
                case .place(let id):
                    guard let place = Navigation.place(id), place.shows(account) else { return nil }
                    (href, key, icon) = (place.href, place.labelKey, id)
                case .area(let area): (href, key, icon) = (SiteURL.area(area.rawValue), area.labelKey, area.rawValue)
                case .more: (href, key, icon) = (SiteURL.more(), Navigation.moreKey(for: account), "more")
                }
                return NavItem(href: href, label: req.t(key), icon: icon, active: item == active)
            }
        } else {
            bar = []
        }
    }
}

/// A choice in a `<select>`, for every form that has one.
struct SelectOption: Encodable {
    let value: String
    let label: String
    var selected: Bool = false
}
