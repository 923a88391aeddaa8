import Fluent
import Foundation
import JiliCore

/// A member's payee details, entered by the member or by finance: checked as the bank and the tax
/// bureau will check them, saved with an audit entry that carries only masked values.
struct PayeeService {
    let db: any Database
    let clock: JiliClock

    /// What a form gives; an empty `realName`, `idNumber` or `bankCard` keeps the one saved (the
    /// member never sees theirs again in full, so need not retype them to change the rest).
    struct Input {
        var realName: String
        var idType: String
        var idNumber: String
        var method: String
        var bankName: String
        var bankCard: String
    }

    /// Every problem of the input, each with its field, in the form's order: nothing is saved while any remains.
    func problems(_ input: Input, saved: Payee?, member: Member) async throws -> [Refusal] {
        var out: [Refusal] = []
        if !(input.realName.trimmingCharacters(in: .whitespaces).isEmpty && saved != nil), PersonalData.checkName(input.realName) != nil {
            out.append(Refusal(key: "payee_error_real_name", field: "real_name"))
        }
        let type = PersonalData.IDType(rawValue: input.idType)
        if type == nil { out.append(Refusal(key: "payee_error_id_type", field: "id_type")) }
        let id = input.idNumber.trimmingCharacters(in: .whitespaces)
        // A number left empty keeps the saved one, which must then fit the type chosen.
        if id.isEmpty, saved == nil {
            out.append(Refusal(key: "payee_error_id_missing", field: "id_number"))
        } else if let type, let problem = PersonalData.checkID(id.isEmpty ? saved!.idNumber : id, type: type) {
            out.append(Refusal(key: problem == .idChecksum ? "payee_error_id_checksum" : "payee_error_id_number", field: "id_number"))
        }
        switch Payee.Method(rawValue: input.method) {
        case .bank:
            if input.bankName.trimmingCharacters(in: .whitespaces).isEmpty { out.append(Refusal(key: "payee_error_bank_name", field: "bank_name")) }
            let card = input.bankCard.trimmingCharacters(in: .whitespaces)
            if card.isEmpty {
                if (saved?.bankCard ?? "").isEmpty { out.append(Refusal(key: "payee_error_card_missing", field: "bank_card")) }
            } else if let problem = PersonalData.checkCard(card) {
                out.append(Refusal(key: problem == .bankCardChecksum ? "payee_error_card_checksum" : "payee_error_card", field: "bank_card"))
            }
        case .wechat:
            // WeChat Pay transfers to the WeChat a member signs in with: one must be bound.
            if try await PayQueries(db: db).openIDs(codes: [member.code])[member.code] == nil { out.append(Refusal(key: "payee_error_wechat", field: "method")) }
        case nil:
            out.append(Refusal(key: "payee_error_method", field: "method"))
        }
        return out
    }

    /// Saves the details, or refuses with the first problem (the page shows them all from ``problems``).
    @discardableResult
    func save(_ input: Input, for member: Member, by actor: Actor) async throws -> Payee {
        let saved = try await PayQueries(db: db).payee(of: member)
        if let first = try await problems(input, saved: saved, member: member).first { throw first }
        let payee = saved ?? Payee()
        let before = saved.map(Self.auditValues)
        payee.$member.id = member.id!
        let name = input.realName.trimmingCharacters(in: .whitespaces)
        if !name.isEmpty { payee.realName = name }
        payee.idType = input.idType
        let id = input.idNumber.trimmingCharacters(in: .whitespaces).uppercased()
        if !id.isEmpty { payee.idNumber = id }
        payee.method = Payee.Method(rawValue: input.method)!
        if payee.method == .bank {
            payee.bankName = input.bankName.trimmingCharacters(in: .whitespaces)
            let card = PersonalData.cardDigits(input.bankCard.trimmingCharacters(in: .whitespaces))
            if !card.isEmpty { payee.bankCard = card }
        } else {
            payee.bankName = ""
            payee.bankCard = ""
        }
        payee.updatedAt = clock.now()
        payee.updatedBy = actor.name
        try await db.transaction { db in
            try await payee.save(on: db)
            // Masked in the log as everywhere but finance's pages and files.
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: saved == nil ? "create" : "update", entity: "payee", id: member.code,
                                   before: before, after: Self.auditValues(payee))
        }
        return payee
    }

    static func auditValues(_ p: Payee) -> [String: String] {
        let m = p.masked
        return ["real_name": m.name, "id_type": p.idType, "id_number": m.id, "method": p.method.rawValue, "bank_name": p.bankName, "bank_card": m.card]
    }
}
