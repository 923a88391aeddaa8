import Foundation
import Testing
@testable import JiliCore

/// A settlement built from text, the way files would give it.
struct Scenario {
    var plan: String
    var members: String
    var orders: String
    var refunds: String = "id,order_id,refunded_at,amount\n"
    var goals: String = "member_id,period,target\n"

    func decodedPlan() throws -> Plan { try PlanDecoder.decode(Array(plan.utf8)) }

    /// Reads the four files; throws with every problem when the input is bad.
    func input() throws -> (Plan, SettlementInput) {
        let plan = try decodedPlan()
        var reader = InputReader(plan: plan)
        func feed(_ text: String, _ body: (inout InputReader, UnsafeBufferPointer<UInt8>) -> Void) {
            var copy = text
            copy.withUTF8 { body(&reader, $0) }
        }
        feed(members) { $0.readMembers($1, file: "members.csv") }
        feed(orders) { $0.readOrders($1, file: "orders.csv") }
        feed(refunds) { $0.readRefunds($1, file: "refunds.csv") }
        feed(goals) { $0.readGoals($1, file: "goals.csv") }
        return (plan, try reader.result().get())
    }

    func problems() throws -> [String] {
        do {
            _ = try input()
            return []
        } catch let error as InputErrors {
            return error.problems.map(\.description)
        }
    }

    func settle(_ period: String, explain: Bool = false) throws -> SettlementResult {
        let (plan, input) = try input()
        return try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: period)!, explain: explain)
    }
}

extension SettlementResult {
    /// Amounts as yuan strings by "member.rule" (and "member.adj.rule", "member.total"), for compact assertions.
    var table: [String: String] {
        var out: [String: String] = [:]
        for m in members {
            out["\(m.member).total"] = Money(fen: m.total).description
            for (k, v) in m.rules { out["\(m.member).\(k)"] = Money(fen: v).description }
            for (k, v) in m.adjustments { out["\(m.member).adj.\(k)"] = Money(fen: v).description }
        }
        return out
    }

    /// Just the amounts under one rule, by member.
    func rule(_ id: String) -> [String: String] {
        var out: [String: String] = [:]
        for m in members { if let v = m.rules[id] { out[m.member] = Money(fen: v).description } }
        return out
    }

    func adjustments(_ id: String) -> [String: String] {
        var out: [String: String] = [:]
        for m in members { if let v = m.adjustments[id] { out[m.member] = Money(fen: v).description } }
        return out
    }
}

/// A plan with three tiers and the given rules (JSON objects), for rule tests.
func plan(_ rules: String, extra: String = "", maxDepth: Int = 5) -> String {
    """
    {"id": "t", "name": "test", "timezone": "Asia/Shanghai", \(extra)
     "tiers": [{"id": "vip", "name": "VIP"}, {"id": "agent", "name": "代理"}, {"id": "general", "name": "总代"}],
     "compliance": {"maxDepth": \(maxDepth)},
     "rules": [\(rules)]}
    """
}

/// Members from compact lines "id,sponsor,tier[,status]".
func members(_ lines: String...) -> String {
    "id,name,sponsor_id,tier,joined_at,status\n" + lines.map { line in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return "\(f[0]),\(f[0]),\(f[1]),\(f[2]),2025-01-01,\(f.count > 3 ? f[3] : "active")"
    }.joined(separator: "\n") + "\n"
}

/// Orders from compact lines "id,member,paid_at,amount[,cost,category]".
func orders(_ lines: String...) -> String {
    "id,member_id,paid_at,amount,cost,category\n" + lines.map { line in
        let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return "\(f[0]),\(f[1]),\(f[2]),\(f[3]),\(f.count > 4 ? f[4] : ""),\(f.count > 5 ? f[5] : "")"
    }.joined(separator: "\n") + "\n"
}

func refunds(_ lines: String...) -> String {
    "id,order_id,refunded_at,amount\n" + lines.joined(separator: "\n") + "\n"
}

func goals(_ lines: String...) -> String {
    "member_id,period,target\n" + lines.joined(separator: "\n") + "\n"
}

/// The package's root folder, found from this file's place in it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The worked example of the spec (examples/basic, a copy of spec/examples/basic).
let exampleFolder = packageRoot + "/examples/basic"
