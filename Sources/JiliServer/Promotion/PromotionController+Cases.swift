import Fluent
import JiliCore
import Vapor

/// Compliance cases on a member's page: opened with a summary, closed with a resolution.
extension PromotionController {
    /// The member named in the path, when the viewer may keep their compliance cases (404 otherwise:
    /// a member outside one's scope does not exist for them).
    func caseMember(_ req: Request) async throws -> (Account, Member) {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await req.member(of: account)
        guard let m = try await TeamQueries(db: req.db).member(code: req.parameters.get("code") ?? ""),
              PromotionPermissions.mayDecide(account, me: me, about: m) else { throw Abort(.notFound) }
        return (account, m)
    }

    func compliance(_ req: Request) -> ComplianceService { ComplianceService(db: req.db, clock: req.application.jiliClock) }

    @Sendable func openCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        try await compliance(req).open(on: member, summary: (try? req.content.get(String.self, at: "summary")) ?? "", by: account)
        return req.redirect(to: SiteURL.member(member.code) + "#cases")
    }

    @Sendable func closeCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        guard let id = req.parameters.get("id", as: Int.self), let c = try await PromotionQueries(db: req.db).complianceCase(id, of: member) else { throw Abort(.notFound) }
        try await compliance(req).close(c, of: member, resolution: (try? req.content.get(String.self, at: "resolution")) ?? "", by: account)
        return req.redirect(to: SiteURL.member(member.code) + "#cases")
    }
}
