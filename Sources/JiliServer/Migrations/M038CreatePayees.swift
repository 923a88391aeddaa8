import Fluent

/// Who a member's pay goes to: their real name, identity document and bank card (or WeChat), for
/// the transfer file and the 个税扣缴申报 list. One row per member.
struct M038CreatePayees: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Payee.schema)
            .field("id", .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, "id"))
            .field("real_name", .string, .required)
            .field("id_type", .string, .required)
            .field("id_number", .string, .required)
            .field("method", .string, .required)
            .field("bank_name", .string, .required)
            .field("bank_card", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .string, .required)
            .unique(on: "member_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Payee.schema).delete()
    }
}
