import Vapor

/// 更多 (我的, for members): who one is, and every place one may open, area by area, with a short
/// line each; and each area's own list, which the bottom bar's area items open.
struct MoreController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.more, use: more)
        routes.get(SiteURL.area, use: area)
    }

    struct PlaceRow: Encodable {
        let href: String
        let label: String
        let blurb: String
    }

    struct AreaRow: Encodable {
        let id: String
        let label: String
        let blurb: String
        let places: [PlaceRow]
    }

    struct Page: Encodable {
        let layout: Layout
        let heading: String
        /// The person, on 更多 only: name, role, tier and member code.
        let name: String?
        let facts: [String]
        let areas: [AreaRow]
        let csrf: String
    }

    static func areaRow(_ area: Navigation.Area, _ places: [Navigation.Place], _ req: Request) -> AreaRow {
        AreaRow(id: area.rawValue, label: req.t(area.labelKey), blurb: req.t(area.blurbKey),
                places: places.map { PlaceRow(href: $0.href, label: req.t($0.labelKey), blurb: req.t($0.blurbKey)) })
    }

    @Sendable func more(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
        var facts = [req.t(account.roleValue.messageKey)]
        if let me {
            let tier = req.t("tier_\(me.tier)")
            if tier != facts[0] { facts.append(tier) }
            facts.append(req.t("more_code", ["code": me.code]))
        }
        let layout = Layout(req, title: req.t(Navigation.moreKey(for: account)))
        return try await req.view.render("home/more", Page(
            layout: layout, heading: req.t(Navigation.moreKey(for: account)), name: me?.name ?? account.name, facts: facts,
            areas: Navigation.areas(for: account).map { Self.areaRow($0.area, $0.places, req) }, csrf: layout.csrf))
    }

    @Sendable func area(req: Request) async throws -> View {
        let account = try req.account
        guard let area = Navigation.Area(rawValue: req.parameters.get("area") ?? ""),
              let entry = Navigation.areas(for: account).first(where: { $0.area == area }) else { throw Abort(.notFound) }
        let layout = Layout(req, title: req.t(area.labelKey))
        return try await req.view.render("home/more", Page(
            layout: layout, heading: req.t(area.labelKey), name: nil, facts: [],
            areas: [Self.areaRow(area, entry.places, req)], csrf: layout.csrf))
    }
}
