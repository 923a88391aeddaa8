import Fluent
import Foundation
import JiliCore
import Vapor

extension JiliServer {
    /// `jili accounts invite MEMBER [--role ROLE] [--days N]`: one member's invitation link (the
    /// command line acts as the leader, so any role but the leader's may be given).
    public static func inviteMember(_ code: String, role roleText: String?, days: Int, config: AppConfig) async throws -> [String] {
        var role = Role.agent
        if let roleText {
            guard let r = Role(rawValue: roleText), r != .leader else {
                return ["--role: \"\(roleText)\" is not one of " + Role.allCases.filter { $0 != .leader }.map(\.rawValue).joined(separator: ", ")]
            }
            role = r
        }
        return try await withApp(config) { app in
            do {
                guard let member = try await TeamQueries(db: app.db).member(code: code) else { return ["\(code): no such member"] }
                let made = try await InvitationService(db: app.db, clock: app.jiliClock).invite(member, role: role, days: days, by: .system)
                return [config.linkBase + SiteURL.invitation(made.token.text),
                        "for \(member.name) (\(member.code)) as \(role.rawValue), valid until \(app.jiliClock.format(made.invitation.expiresAt, "yyyy-MM-dd HH:mm"))"]
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }

    /// `jili accounts invite --without-account [--under MEMBER] --out FILE`: every member (under one,
    /// when named) who has no account, as the CSV `member,name,phone,link`; what was done, with its time.
    public static func inviteWithoutAccount(under code: String?, days: Int, config: AppConfig) async throws -> (csv: [UInt8], lines: [String]) {
        try await withApp(config) { app in
            do {
                var root: Member?
                if let code {
                    guard let m = try await TeamQueries(db: app.db).member(code: code) else { return ([], ["--under: \(code): no such member"]) }
                    root = m
                }
                let start = ContinuousClock.now
                let members = try await AuthQueries(db: app.db).membersWithoutAccount(scope: .all, under: root, limit: nil)
                let made = try await InvitationService(db: app.db, clock: app.jiliClock).inviteAll(members, days: days, by: .system)
                let csv = InvitationCSV.text(made.map { ($0.member, config.linkBase + SiteURL.invitation($0.token.text)) })
                let d = ContinuousClock.now - start
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                return (csv, [String(format: "%d member(s) invited in %.2f s", made.count, seconds)])
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }
}
