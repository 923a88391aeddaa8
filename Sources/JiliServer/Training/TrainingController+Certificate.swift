import Fluent
import JiliCore
import Vapor

/// A passed course's certificate, for printing.
extension TrainingController {
    struct CertificatePage: Encodable {
        let layout: Layout
        let number: String
        let member: String
        let course: String
        let category: String
        let score: Int
        let at: String
        let team: String
    }

    /// A certificate, for its holder and for whoever may see them (404 otherwise).
    @Sendable func certificate(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
        guard let p = try await TrainingQueries(db: req.db).certificate(req.parameters.get("number") ?? ""),
              p.member.id == me?.id || (Permissions.memberScope(account, member: me)?.contains(p.member) ?? false) else { throw Abort(.notFound) }
        return try await req.view.render("training/certificate", CertificatePage(
            layout: Layout(req, title: req.t("certificate_title")), number: p.certificate, member: p.member.name, course: p.course.title,
            category: req.t("course_category_\(p.course.category)"), score: p.score, at: req.application.jiliClock.format(p.passedAt, "yyyy-MM-dd"),
            team: req.t("app_name")))
    }
}
