import Fluent
import JiliCore
import SQLKit
import Vapor

/// The upload page for imports (all or nothing, every problem listed) and the CSV exports.
struct ImportExportController: RouteCollection {

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.imports, use: form)
        routes.post(SiteURL.imports, use: upload)
        routes.get(SiteURL.export, use: export)
    }


    struct Page: Encodable {
        let layout: Layout
        let kinds: [SelectOption]
        let file: String?
        let added: Int?
        let unchanged: Int?
        let problems: [String]
        let month: String
    }

    func page(_ req: Request, file: String? = nil, outcome: ImportService.Outcome? = nil) throws -> Page {
        let role = try req.account.roleValue
        let kinds = ImportService.Kind.allCases.filter { ImportExportPermissions.mayImport(role, $0) }
        guard !kinds.isEmpty else { throw Abort(.forbidden) }
        return Page(layout: Layout(req, title: req.t("import_title")),
                    kinds: kinds.map { SelectOption(value: $0.rawValue, label: req.t("import_kind_\($0.rawValue)")) },
                    file: file, added: outcome.flatMap { $0.ok ? $0.added : nil }, unchanged: outcome.flatMap { $0.ok ? $0.unchanged : nil },
                    problems: outcome?.problems.map(\.description) ?? [], month: req.application.jiliClock.currentPeriod.description)
    }

    @Sendable func form(req: Request) async throws -> View {
        try await req.view.render("importexport/import", page(req))
    }

    struct Upload: Content {
        var kind: String
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let account = try req.account
        guard ImportService.Kind.allCases.contains(where: { ImportExportPermissions.mayImport(account.roleValue, $0) }) else { throw Abort(.forbidden) }
        let upload = try req.content.decode(Upload.self)
        guard let kind = ImportService.Kind(rawValue: upload.kind), ImportExportPermissions.mayImport(account.roleValue, kind) else { throw Abort(.forbidden) }
        let name = upload.file.filename.isEmpty ? "\(kind.rawValue).csv" : upload.file.filename
        let outcome = try await ImportService(db: req.db, clock: req.application.jiliClock, text: req.application.catalog.table(req.language))
            .run(kind, bytes: Array(buffer: upload.file.data), file: name, by: .account(account))
        return try await req.view.render("importexport/import", page(req, file: name, outcome: outcome))
            .encodeResponse(status: outcome.ok ? .ok : .unprocessableEntity, for: req)
    }

    /// /export/members.csv, /export/orders.csv?month=2026-11, /export/refunds.csv?month=2026-11,
    /// /export/goals.csv (members' volume goals, the contract's goals file).
    @Sendable func export(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let file = req.parameters.get("file") ?? ""
        let clock = req.application.jiliClock
        let month = req.query[String.self, at: "month"] ?? clock.currentPeriod.description
        guard Period(parsing: month) != nil else { throw Abort(.badRequest) }
        let service = ExportService(db: req.db, clock: clock)
        let bytes: [UInt8]
        switch file {
        case "members.csv", "goals.csv":
            guard let scope = Permissions.memberScope(account, member: me) else { throw Abort(.forbidden) }
            bytes = file == "members.csv" ? try await service.members(scope: scope) : try await service.goals(scope: scope)
        case "orders.csv", "refunds.csv":
            guard let scope = Permissions.orderScope(account, member: me) else { throw Abort(.forbidden) }
            bytes = file == "orders.csv" ? try await service.orders(scope: scope, period: month) : try await service.refunds(scope: scope, period: month)
        default:
            throw Abort(.notFound)
        }
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let name = file == "members.csv" || file == "goals.csv" ? "jili-\(file)" : "jili-\(file.dropLast(4))-\(month).csv"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }
}
