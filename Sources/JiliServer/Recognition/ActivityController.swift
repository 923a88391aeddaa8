import Fluent
import Vapor

/// Counted activities (活动记录): the records one may see (one's own as an agent; one's scope as a
/// manager; everyone's for the roles that see everyone), a form and a CSV upload to record them, and
/// the leader's list of kinds. Goals may be set on any kind (`/goals`).
struct ActivityController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.activities, use: list)
        routes.post(SiteURL.activities, use: record)
        routes.post(SiteURL.activityKinds, use: defineKind)
        routes.post(SiteURL.activityImport, use: upload)
    }

    func service(_ req: Request) -> ActivityService { ActivityService(db: req.db, clock: req.application.jiliClock) }

    struct Row: Encodable {
        let member: String
        let kind: String
        let day: String
        let count: Int
        /// nil when empty: Leaf's `#if` is true for an empty string.
        let note: String?
        let by: String
    }

    struct Page: Encodable {
        let layout: Layout
        let rows: [Row]
        let kinds: [SelectOption]
        let canRecord: Bool
        let canDefine: Bool
        let today: String
        let error: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        // An agent's records are their own (their downline's are summaries elsewhere).
        let records = try await RecognitionQueries(db: req.db).activities(account: account, me: me)
        let kinds = try await service(req).kinds()
        let names = Dictionary(kinds.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let clock = req.application.jiliClock
        let people = try await People.load(records.map(\.recordedBy), on: req.db)
        return try await req.view.render("recognition/activities", Page(
            layout: Layout(req, title: req.t("activities_title")),
            rows: records.map { Row(member: "\($0.member.name) (\($0.member.code))", kind: names[$0.kind] ?? $0.kind, day: $0.day, count: $0.count, note: $0.note.isEmpty ? nil : $0.note, by: people.name($0.recordedBy, req)) },
            kinds: kinds.map { SelectOption(value: $0.code, label: $0.name) },
            canRecord: ActivityPermissions.mayRecordAny(account.roleValue), canDefine: ActivityPermissions.mayDefine(account.roleValue),
            today: clock.format(clock.now(), "yyyy-MM-dd"), error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    struct RecordForm: Content {
        var member: String
        var kind: String
        var day: String
        var count: String
        var note: String?
    }

    @Sendable func record(req: Request) async throws -> Response {
        let account = try req.account(if: ActivityPermissions.mayRecordAny)
        let me = try await req.member(of: account)
        let form = try req.content.decode(RecordForm.self)
        let code = form.member.trimmingCharacters(in: .whitespaces)
        guard let member = try await TeamQueries(db: req.db).member(code: code) else {
            throw Refusal(key: "activity_error_member", values: ["value": code])
        }
        guard ActivityPermissions.mayRecord(account, me: me, member, kind: form.kind) else { throw Refusal(key: "activity_error_not_yours", values: ["member": code]) }
        let count = try FormValue.int(form.count, field: "count", refusal: "activity_error_count", values: ["max": "\(ActivityService.maxCount)"])
        let day = try FormValue.day(form.day, field: "day", refusal: "activity_error_day")
        try await service(req).record(member, kind: form.kind, day: day, count: count, note: form.note ?? "", by: .account(account))
        return req.redirect(to: SiteURL.activities(), notice: "activities_recorded", ["member": "\(member.name) (\(member.code))"])
    }

    @Sendable func defineKind(req: Request) async throws -> Response {
        let account = try req.account(if: ActivityPermissions.mayDefine)
        let code = (try? req.content.get(String.self, at: "code")) ?? "", name = (try? req.content.get(String.self, at: "name")) ?? ""
        let kind = try await service(req).defineKind(code: code, name: name, by: .account(account))
        return req.redirect(to: SiteURL.activities(), notice: "activities_kind_added", ["name": kind.name])
    }

    struct Upload: Content {
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let account = try req.account(if: ActivityPermissions.mayRecordAny)
        let me = try await req.member(of: account)
        guard let file = try? req.content.decode(Upload.self).file else { return try await render(req, error: req.t("import_no_file"), status: .unprocessableEntity) }
        let name = file.filename.isEmpty ? "activities.csv" : file.filename
        let importer = ImportService(db: req.db, clock: req.application.jiliClock, text: req.application.catalog.table(req.language))
        let outcome = try await importer.activities(Array(file.data.readableBytesView), file: name, service: service(req), by: .account(account)) { member, kind in
            ActivityPermissions.mayRecord(account, me: me, member, kind: kind)
        }
        if !outcome.ok {
            return try await render(req, error: outcome.problems.map(\.description).joined(separator: "\n"), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.activities(), notice: "activities_imported", ["count": "\(outcome.added)"])
    }
}
