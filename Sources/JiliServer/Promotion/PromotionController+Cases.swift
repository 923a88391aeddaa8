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
        guard let m = try await Member.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "")).first(),
              PromotionPermissions.mayDecide(account, me: me, about: m) else { throw Abort(.notFound) }
        return (account, m)
    }

    @Sendable func openCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        let summary = String(((try? req.content.get(String.self, at: "summary")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard !summary.isEmpty else { throw Refusal(key: "case_error_summary", field: "summary") }
        let now = req.application.jiliClock.now()
        try await req.db.transaction { db in
            let c = ComplianceCase()
            c.$member.id = member.id!
            c.summary = summary
            c.openedBy = account.username
            c.openedAt = now
            c.resolution = ""
            try await c.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "compliance_case", id: "\(c.id!)",
                                   before: nil, after: ["member": member.code, "summary": summary])
        }
        return req.redirect(to: SiteURL.member(member.code) + "#cases")
    }

    @Sendable func closeCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        let resolution = String(((try? req.content.get(String.self, at: "resolution")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard let id = req.parameters.get("id", as: Int.self),
              let c = try await ComplianceCase.query(on: req.db).filter(\.$id == id).filter(\.$member.$id == member.id!).first() else { throw Abort(.notFound) }
        guard c.closedAt == nil else { return req.redirect(to: SiteURL.member(member.code) + "#cases") }
        let now = req.application.jiliClock.now()
        try await req.db.transaction { db in
            c.closedAt = now
            c.closedBy = account.username
            c.resolution = resolution
            try await c.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "close", entity: "compliance_case", id: "\(id)",
                                   before: ["member": member.code, "summary": c.summary], after: ["member": member.code, "resolution": resolution])
        }
        return req.redirect(to: SiteURL.member(member.code) + "#cases")
    }
}
