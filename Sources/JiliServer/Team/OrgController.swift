import Fluent
import Vapor

/// The org chart: departments, their positions and the people in each.
struct OrgController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.org, use: chart)
    }

    struct Person: Encodable {
        let code: String
        let name: String
        let linked: Bool
    }

    struct PositionBox: Encodable {
        let name: String
        let people: [Person]
    }

    struct DepartmentBox: Encodable {
        let name: String
        let positions: [PositionBox]
        let headcount: Int
    }

    struct ChartPage: Encodable {
        let layout: Layout
        let departments: [DepartmentBox]
        let canEdit: Bool
    }

    @Sendable func chart(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
        let scope = Permissions.memberScope(account, member: me)
        let chart = try await TeamQueries(db: req.db).orgChart()
        let byPosition = Dictionary(grouping: chart.placed.filter { $0.$position.id != nil }) { $0.$position.id! }
        let boxes = chart.departments.map { d in
            let ps = chart.positions.filter { $0.$department.id == d.id }.map { p in
                PositionBox(name: p.name, people: (byPosition[p.id!] ?? []).map {
                    Person(code: $0.code, name: $0.name, linked: scope?.contains($0) ?? false)
                })
            }
            return DepartmentBox(name: d.name, positions: ps, headcount: ps.reduce(0) { $0 + $1.people.count })
        }
        return try await req.view.render("team/org-chart", ChartPage(layout: Layout(req, title: req.t("org_title")), departments: boxes,
                                                               canEdit: TeamPermissions.mayEditOrg(account.roleValue)))
    }
}
