import Fluent
import JiliCore
import Vapor

/// 销售冠军: the champions of each month, quarter and year, for everyone to see.
struct ChampionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.champions, use: list)
    }

    struct Winner: Encodable {
        let rank: Int
        let code: String
        let name: String
        let sales: String
        /// Whether the viewer may open the champion's page.
        let link: Bool
    }

    struct WindowRow: Encodable {
        let window: String
        let kind: String
        let winners: [Winner]
    }

    struct Page: Encodable {
        let layout: Layout
        let windows: [WindowRow]
    }

    @Sendable func list(req: Request) async throws -> View {
        let account = try req.account
        let scope = Permissions.memberScope(account, member: try await req.member(of: account))
        let honors = try await RecognitionQueries(db: req.db).champions()
        var order: [String] = []
        var byWindow: [String: [Honor]] = [:]
        for h in honors {
            if byWindow[h.window] == nil { order.append(h.window) }
            byWindow[h.window, default: []].append(h)
        }
        // Years, then quarters, then months, newest first within each.
        let kinds: [WindowKind] = [.year, .quarter, .month]
        let rows = order.compactMap { w -> (WindowKind, WindowRow)? in
            guard let window = GoalWindow(parsing: w) else { return nil }
            return (window.kind, WindowRow(window: w, kind: req.t("champion_\(window.kind.rawValue)"), winners: byWindow[w]!.map {
                Winner(rank: $0.rank, code: $0.member.code, name: $0.member.name, sales: Money(fen: $0.value).display,
                       link: scope?.contains($0.member) ?? false)
            }))
        }
        let sorted = kinds.flatMap { k in rows.filter { $0.0 == k }.map(\.1) }
        return try await req.view.render("recognition/champions", Page(layout: Layout(req, title: req.t("champions_title")), windows: sorted))
    }
}
