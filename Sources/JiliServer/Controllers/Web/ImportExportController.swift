import Fluent
import JiliCore
import SQLKit
import Vapor

/// The upload page for imports (all or nothing, every problem listed) and the CSV exports.
struct ImportExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("import", use: form)
        routes.on(.POST, "import", body: .collect(maxSize: "64mb"), use: upload)
        routes.get("export", ":file", use: export)
    }

    /// Who may import what: members by the leader and the director; orders and refunds by finance too.
    static func mayImport(_ role: Role, _ kind: ImportService.Kind) -> Bool {
        switch kind {
        case .members: return [.leader, .director].contains(role)
        case .orders, .refunds: return [.leader, .director, .finance].contains(role)
        }
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
        let kinds = ImportService.Kind.allCases.filter { Self.mayImport(role, $0) }
        guard !kinds.isEmpty else { throw Abort(.forbidden) }
        return Page(layout: Layout(req, title: req.t("import_title")),
                    kinds: kinds.map { SelectOption(value: $0.rawValue, label: req.t("import_kind_\($0.rawValue)")) },
                    file: file, added: outcome.flatMap { $0.ok ? $0.added : nil }, unchanged: outcome.flatMap { $0.ok ? $0.unchanged : nil },
                    problems: outcome?.problems.map(\.description) ?? [], month: req.application.jiliClock.currentPeriod.description)
    }

    @Sendable func form(req: Request) async throws -> View {
        try await req.view.render("import", page(req))
    }

    struct Upload: Content {
        var kind: String
        var file: File
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let account = try req.account
        guard ImportService.Kind.allCases.contains(where: { Self.mayImport(account.roleValue, $0) }) else { throw Abort(.forbidden) }
        let upload = try req.content.decode(Upload.self)
        guard let kind = ImportService.Kind(rawValue: upload.kind), Self.mayImport(account.roleValue, kind) else { throw Abort(.forbidden) }
        let name = upload.file.filename.isEmpty ? "\(kind.rawValue).csv" : upload.file.filename
        let outcome = try await ImportService(db: req.db, clock: req.application.jiliClock, text: req.application.catalog.table(req.language))
            .run(kind, bytes: Array(buffer: upload.file.data), file: name, by: .account(account))
        return try await req.view.render("import", page(req, file: name, outcome: outcome))
            .encodeResponse(status: outcome.ok ? .ok : .unprocessableEntity, for: req)
    }

    /// /export/members.csv, /export/orders.csv?month=2026-11, /export/refunds.csv?month=2026-11.
    @Sendable func export(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await account.$member.get(on: req.db)
        let file = req.parameters.get("file") ?? ""
        let clock = req.application.jiliClock
        let month = req.query[String.self, at: "month"] ?? clock.currentPeriod.description
        guard Period(parsing: month) != nil else { throw Abort(.badRequest) }
        let service = ExportService(db: req.db, clock: clock)
        let bytes: [UInt8]
        switch file {
        case "members.csv":
            guard let scope = Permissions.memberScope(account, member: me) else { throw Abort(.forbidden) }
            bytes = try await service.members(scope: scope)
        case "orders.csv", "refunds.csv":
            guard let scope = Permissions.orderScope(account, member: me) else { throw Abort(.forbidden) }
            bytes = file == "orders.csv" ? try await service.orders(scope: scope, period: month) : try await service.refunds(scope: scope, period: month)
        default:
            throw Abort(.notFound)
        }
        let response = Response(status: .ok, body: .init(data: Data(bytes)))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let name = file == "members.csv" ? "jili-members.csv" : "jili-\(file.dropLast(4))-\(month).csv"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }
}

extension JiliServer {
    /// `jili import KIND FILE`: the same import as the upload page, on the configured database.
    public static func importFile(kind: String, path: String, config: AppConfig) async throws -> (added: Int, unchanged: Int, problems: [String]) {
        guard let k = ImportService.Kind(rawValue: kind) else { return (0, 0, ["\(kind): not one of members, orders, refunds"]) }
        guard let data = FileManager.default.contents(atPath: path) else { return (0, 0, ["\(path): cannot read the file"]) }
        return try await withApp(config) { app in
            let o = try await ImportService(db: app.db, clock: app.jiliClock, text: app.catalog.table("en"))
                .run(k, bytes: Array(data), file: (path as NSString).lastPathComponent, by: .system)
            return (o.added, o.unchanged, o.problems.map(\.description))
        }
    }

    /// `jili export KIND [--month]`: CSV bytes of everything (the command line has every right).
    public static func export(kind: String, month: String?, config: AppConfig) async throws -> [UInt8] {
        try await withApp(config) { app in
            let service = ExportService(db: app.db, clock: app.jiliClock)
            let period = month ?? app.jiliClock.currentPeriod.description
            switch kind {
            case "members": return try await service.members(scope: .all)
            case "orders": return try await service.orders(scope: .all, period: period)
            case "refunds": return try await service.refunds(scope: .all, period: period)
            default: throw Abort(.badRequest, reason: "\(kind): not one of members, orders, refunds")
            }
        }
    }

    /// `jili migrate`: brings the database's schema up to date (every start does it too; with several
    /// instances on one PostgreSQL, run it once before starting them).
    public static func migrate(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            let sql = app.db as? any SQLDatabase
            let applied = try await sql?.select().column(SQLRaw("COUNT(*)"), as: "n").from("_fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
            return ["database up to date: \(applied) migrations applied"]
        }
    }

    /// An application configured on the database, without serving, for the command line.
    static func withApp<T>(_ config: AppConfig, _ body: (Application) async throws -> T) async throws -> T {
        var quiet = config
        quiet.demo = false
        let app = try await Application.make(.init(name: "production", arguments: ["jili"]))
        app.logger.logLevel = .error
        do {
            try await configure(app, config: quiet)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
