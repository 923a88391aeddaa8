import Fluent
import Foundation
import JiliCore

/// Members and orders as CSV in the settlement contract's formats (so an export imports back),
/// with a UTF-8 byte order mark and CRLF line ends so that Excel opens the Chinese correctly.
struct ExportService {
    let db: any Database
    let clock: JiliClock

    static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func csv(_ header: [String], _ rows: [[String]]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        for row in [header] + rows {
            out += Array(row.map(field).joined(separator: ",").utf8)
            out += [0x0D, 0x0A]
        }
        return out
    }

    func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = clock.timeZone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    func members(scope: MemberScope) async throws -> [UInt8] {
        let members = try await scope.apply(to: Member.query(on: db)).sort(\.$id).all()
        let codes = Dictionary(uniqueKeysWithValues: try await Member.query(on: db).all().map { ($0.id!, $0.code) })
        return Self.csv(["id", "name", "sponsor_id", "tier", "joined_at", "status"], members.map { m in
            // A sponsor outside the export's scope is still named: the file says who sponsored whom.
            [m.code, m.name, m.$sponsor.id.flatMap { codes[$0] } ?? "", m.tier, clock.format(m.joinedAt, "yyyy-MM-dd"), m.status.rawValue]
        })
    }

    func orders(scope: MemberScope, period: String) async throws -> [UInt8] {
        let query = scope.apply(joined: Order.query(on: db).filter(\.$period == period).join(Member.self, on: \Order.$member.$id == \Member.$id))
        let orders = try await query.sort(\.$paidAt).with(\.$lines) { $0.with(\.$product) }.all()
        return Self.csv(["id", "member_id", "paid_at", "amount", "cost", "category", "product_id", "quantity", "refunded"], try orders.map { o in
            let seller = try o.joined(Member.self)
            let single = o.lines.count == 1 ? o.lines.first : nil
            return [o.code, seller.code, timestamp(o.paidAt), Money(fen: o.amountFen).description, Money(fen: o.costFen).description,
                    o.category ?? "", single?.product.code ?? "", single.map { "\($0.quantity)" } ?? "", Money(fen: o.refundedFen).description]
        })
    }

    func refunds(scope: MemberScope, period: String) async throws -> [UInt8] {
        let refunds = try await Refund.query(on: db).with(\.$order) { $0.with(\.$member) }.sort(\.$refundedAt).all()
            .filter { clock.period(of: $0.refundedAt).description == period && scope.contains($0.order.member) }
        return Self.csv(["id", "order_id", "refunded_at", "amount"], refunds.map {
            [$0.code, $0.order.code, timestamp($0.refundedAt), Money(fen: $0.amountFen).description]
        })
    }

    /// Member volume goals in the contract's goals format (what the plan's goalBonus pays on).
    func goals(scope: MemberScope) async throws -> [UInt8] {
        let goals = try await Goal.query(on: db).filter(\.$scope == "member").filter(\.$metric == "volume").with(\.$member).sort(\.$period).sort(\.$id).all()
        return Self.csv(["member_id", "period", "target"], goals.compactMap { g in
            guard let m = g.member, scope.contains(m) else { return nil }
            return [m.code, g.period, Money(fen: g.target).description]
        })
    }
}
