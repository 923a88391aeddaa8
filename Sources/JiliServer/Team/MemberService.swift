import Fluent
import Foundation
import SQLKit
import Vapor

/// Adding members and changing their sponsor, tier, status and place in the org chart: checked,
/// written with the audit entry in one transaction. A new sponsor below the member is a cycle and
/// is refused; moving a member moves its whole subtree.
struct MemberService {
    let db: any Database
    let clock: JiliClock

    struct Changes: Sendable {
        var name: String
        var phone: String?
        var sponsorCode: String?
        var tier: String
        var status: MemberStatus
        var departmentID: Int?
        var positionID: Int?
    }

    func validate(_ c: Changes) async throws -> (sponsor: Member?, Changes) {
        var c = c
        c.name = c.name.trimmingCharacters(in: .whitespaces)
        c.phone = c.phone?.trimmingCharacters(in: .whitespaces)
        if c.phone?.isEmpty == true { c.phone = nil }
        guard !c.name.isEmpty else { throw Refusal(key: "member_error_name") }
        guard Tiers.ids.contains(c.tier) else { throw Refusal(key: "member_error_tier") }
        var sponsor: Member?
        if let code = c.sponsorCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty {
            guard let s = try await Member.query(on: db).filter(\.$code == code).first() else {
                throw Refusal(key: "member_error_sponsor", values: ["code": code])
            }
            sponsor = s
        }
        if let p = c.positionID {
            guard let position = try await Position.find(p, on: db) else { throw Refusal(key: "member_error_position") }
            c.departmentID = position.$department.id
        } else if let d = c.departmentID, try await Department.find(d, on: db) == nil {
            throw Refusal(key: "member_error_position")
        }
        return (sponsor, c)
    }

    func add(code: String?, _ changes: Changes, by actor: Actor) async throws -> Member {
        let (sponsor, c) = try await validate(changes)
        let now = clock.now()
        let next = (try await Member.query(on: db).max(\.$id) ?? 0) + 1
        let memberCode = code?.trimmingCharacters(in: .whitespaces).nonEmpty ?? "m\(next)"
        if try await Member.query(on: db).filter(\.$code == memberCode).first() != nil {
            throw Refusal(key: "member_error_code", values: ["code": memberCode])
        }
        return try await db.transaction { db in
            let m = Member(code: memberCode, name: c.name, phone: c.phone, sponsorID: sponsor?.id, tier: c.tier, status: c.status, joinedAt: now)
            m.$department.id = c.departmentID
            m.$position.id = c.positionID
            try await m.create(on: db)
            m.path = Member.path(sponsorPath: sponsor?.path, id: m.id!)
            try await m.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "member", id: memberCode,
                                   before: nil, after: try await Self.snapshot(m, on: db))
            return m
        }
    }

    func update(_ member: Member, _ changes: Changes, by actor: Actor) async throws {
        let (sponsor, c) = try await validate(changes)
        if let sponsor {
            // The member itself or anyone below it as sponsor would close a loop.
            if sponsor.path.hasPrefix(member.path) { throw Refusal(key: "member_error_cycle", values: ["code": sponsor.code]) }
        }
        let now = clock.now()
        let before = try await Self.snapshot(member, on: db)
        let changesSettlement = member.$sponsor.id != sponsor?.id || member.tier != c.tier || member.status != c.status
        try await db.transaction { db in
            // The values the settlement of earlier months must still see.
            if changesSettlement { try await MemberSnapshot(of: member, until: now).create(on: db) }
            let oldPath = member.path
            member.name = c.name
            member.phone = c.phone
            member.tier = c.tier
            member.status = c.status
            member.$department.id = c.departmentID
            member.$position.id = c.positionID
            if member.$sponsor.id != sponsor?.id {
                member.$sponsor.id = sponsor?.id
                member.path = Member.path(sponsorPath: sponsor?.path, id: member.id!)
                try await member.save(on: db)
                // Everyone below moves with the member: replace the old path prefix by the new one.
                let sql = db.sql
                try await sql.raw("""
                    UPDATE members SET path = CAST(\(bind: member.path) AS TEXT) || substr(path, CAST(\(bind: oldPath.count + 1) AS INTEGER))
                    WHERE path LIKE \(bind: oldPath + "%") AND id <> \(bind: member.id!)
                    """).run()
            } else {
                try await member.save(on: db)
            }
            if before["name"] != member.name {
                try await Account.query(on: db).filter(\.$member.$id == member.id!).set(\.$displayName, to: member.name).update()
            }
            if before["status"] != member.status.rawValue {
                try await AccountService.memberStatusChanged(member, at: now, by: actor, on: db)
            }
            // Kept with its reason; a promotion is posted on the praise wall.
            if let from = before["tier"], from != member.tier {
                try await TierChanges.record(member, from: from, reason: "manual", proposal: nil, by: actor, at: now, on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "update", entity: "member", id: member.code,
                                   before: before, after: try await Self.snapshot(member, on: db))
        }
    }

    /// What the audit log keeps of a member: the fields people change, sponsor as its code.
    static func snapshot(_ m: Member, on db: any Database) async throws -> [String: String] {
        var sponsor: Member?
        if let id = m.$sponsor.id { sponsor = try await Member.find(id, on: db) }
        var out = ["name": m.name, "tier": m.tier, "status": m.status.rawValue, "sponsor": sponsor?.code ?? ""]
        out["phone"] = m.phone ?? ""
        out["department"] = m.$department.id.map(String.init) ?? ""
        out["position"] = m.$position.id.map(String.init) ?? ""
        return out
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
