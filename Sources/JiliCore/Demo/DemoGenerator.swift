import Foundation

/// Writes a realistic plan and CSV files at any scale, streaming: memory grows with the number of
/// members (their depth and tier), not with the number of orders.
///
/// The team is one leader's tree, deep and wide (sponsors drawn mostly from recent joiners, up to
/// 40 levels, and some from the first 0.1 %, who recruit hundreds), four tiers, some inactive and
/// left members. Orders spread over
/// `months` months up to `lastPeriod`, sellers skewed so a few sell much; about 3 % are refunded,
/// some in the month after (which restates it); about 10 % of members have a goal for the last month.
public struct DemoGenerator: Sendable {
    public var members: Int
    public var orders: Int
    public var months: Int
    public var lastPeriod: Period
    public var seed: UInt64

    public init(members: Int, orders: Int, months: Int, lastPeriod: Period, seed: UInt64) {
        self.members = members
        self.orders = orders
        self.months = months
        self.lastPeriod = lastPeriod
        self.seed = seed
    }

    public static let tiers = ["vip", "agent", "general", "director"]
    static let categories = ["skincare", "food", "apparel", "health", "home"]
    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
    static let givenNames = ["芳", "娜", "伟", "洋", "静", "敏", "磊", "丽", "强", "艳", "军", "杰", "娟", "涛", "明", "霞", "平", "刚", "婷", "慧"]

    /// The plan: all seven rule types, compliant with maxDepth 3.
    public static let planJSON = """
    {
      "id": "demo-2026",
      "name": "演示方案 2026",
      "currency": "CNY",
      "timezone": "Asia/Shanghai",
      "base": "amount",
      "tiers": [
        {"id": "vip", "name": "VIP", "nameEn": "VIP"},
        {"id": "agent", "name": "代理", "nameEn": "Agent"},
        {"id": "general", "name": "总代", "nameEn": "General agent"},
        {"id": "director", "name": "董事", "nameEn": "Director"}
      ],
      "capPerMember": "50000.00",
      "compliance": {"profile": "distribution", "maxDepth": 3},
      "rules": [
        {"id": "retail", "name": "零售提成", "type": "commission", "rates": {"vip": "0.05", "agent": "0.08", "general": "0.12", "director": "0.15"}},
        {"id": "volume", "name": "业绩阶梯奖", "type": "tiered", "mode": "marginal", "brackets": [{"from": "0", "rate": "0"}, {"from": "5000", "rate": "0.01"}, {"from": "20000", "rate": "0.02"}]},
        {"id": "jicha", "name": "级差奖", "type": "differential", "rates": {"vip": "0.05", "agent": "0.08", "general": "0.12", "director": "0.15"}},
        {"id": "pingji", "name": "平级奖", "type": "sameLevel", "rate": "0.01", "tiers": ["general", "director"]},
        {"id": "team", "name": "团队奖", "type": "override", "rates": ["0.02", "0.01"], "requiresVolume": "1000"},
        {"id": "goal", "name": "目标奖", "type": "goalBonus", "window": "month", "thresholds": [{"attainment": "1.0", "amount": "200"}, {"attainment": "1.5", "amount": "500"}]},
        {"id": "champion", "name": "季度销售冠军奖", "type": "rankBonus", "window": "quarter", "prizes": [{"rank": 1, "amount": "3000"}, {"rank": 2, "amount": "2000"}, {"rank": 3, "amount": "1000"}]}
      ]
    }

    """

    public func write(to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(Self.planJSON.utf8).write(to: URL(fileURLWithPath: folder + "/plan.json"))
        var random = SeededRandom(seed: seed)
        let active = try writeMembers(to: folder + "/members.csv", random: &random)
        try writeOrders(to: folder, random: &random)
        try writeGoals(to: folder + "/goals.csv", active: active, random: &random)
    }

    private func writeMembers(to path: String, random: inout SeededRandom) throws -> [Bool] {
        let out = try BufferedFile(path: path)
        out.write("id,name,sponsor_id,tier,joined_at,status\n")
        var depth = [UInt8](repeating: 0, count: members)
        var active = [Bool](repeating: true, count: members)
        let joinStart = CivilDate.days(year: 2023, month: 1, day: 1)
        for i in 0..<members {
            var sponsor = -1
            if i > 0 {
                for _ in 0..<4 {
                    // Mostly someone who joined recently (deep chains), sometimes anyone, and sometimes
                    // one of the first 0.1 % (leaders with hundreds of direct recruits: a wide tree).
                    let roll = random.below(100)
                    let candidate = roll < 60 ? max(0, i - 1 - random.below(min(i, 50)))
                        : roll < 85 ? random.below(i) : random.below(min(i, max(1, members / 1000)))
                    sponsor = candidate
                    if depth[candidate] < 40 { break }
                }
                if depth[sponsor] >= 40 { sponsor = 0 }
                depth[i] = depth[sponsor] + 1
            }
            let roll = random.below(100)
            let tier = i == 0 ? 3 : roll < 60 ? 0 : roll < 88 ? 1 : roll < 98 ? 2 : 3
            let statusRoll = random.below(100)
            let status = i == 0 || statusRoll < 92 ? "active" : statusRoll < 98 ? "inactive" : "left"
            active[i] = status == "active"
            let name = String(Self.surnames[random.below(Self.surnames.count)]) + Self.givenNames[random.below(Self.givenNames.count)]
            let joined = CivilDate.date(days: joinStart + Int64(i * 1000 / max(members, 1)) + Int64(random.below(30)))
            out.write("m\(i + 1),\(name),\(sponsor >= 0 ? "m\(sponsor + 1)" : ""),\(Self.tiers[tier]),\(Self.dateText(joined)),\(status)\n")
        }
        out.close()
        return active
    }

    private func writeOrders(to folder: String, random: inout SeededRandom) throws {
        let out = try BufferedFile(path: folder + "/orders.csv")
        let refunds = try BufferedFile(path: folder + "/refunds.csv")
        out.write("id,member_id,paid_at,amount,cost,category,product_id,quantity\n")
        refunds.write("id,order_id,refunded_at,amount\n")
        let firstMonth = lastPeriod.index - Int32(months - 1)
        var refundCount = 0
        for k in 0..<orders {
            // Months in order, so the file reads like an export; sellers skewed towards low ids.
            let month = Period(index: firstMonth + Int32(k * months / max(orders, 1)))
            let u = Double(random.next() >> 11) / Double(1 << 53)
            let seller = min(members - 1, Int(Double(members) * u * u))
            let day = 1 + random.below(CivilDate.daysInMonth(year: month.year, month: month.month))
            let second = random.below(86_400)
            let amount = Int64(1990 + random.below(298_000))
            let cost = amount * Int64(40 + random.below(31)) / 100
            let days = CivilDate.days(year: month.year, month: month.month, day: day)
            let wall = days * 86_400 + Int64(second)
            let style = random.below(10)
            let paid = style < 7 ? Self.timestamp(wall, offset: 8 * 3600) : style < 9 ? Self.timestamp(wall - 8 * 3600, offset: 0) : Self.timestamp(wall, offset: nil)
            let category = Self.categories[random.below(Self.categories.count)]
            out.write("o\(k + 1),m\(seller + 1),\(paid),\(Money(fen: amount)),\(Money(fen: cost)),\(category),p\(1 + random.below(20)),\(1 + random.below(5))\n")
            if random.chance(3) {
                refundCount += 1
                let refundAmount = random.chance(50) ? amount : max(1, amount * Int64(10 + random.below(80)) / 100)
                let later = wall + Int64(3600 + random.below(20 * 86_400))
                refunds.write("r\(refundCount),o\(k + 1),\(Self.timestamp(later, offset: 8 * 3600)),\(Money(fen: refundAmount))\n")
            }
        }
        out.close()
        refunds.close()
    }

    private func writeGoals(to path: String, active: [Bool], random: inout SeededRandom) throws {
        let out = try BufferedFile(path: path)
        out.write("member_id,period,target\n")
        for i in 0..<members where active[i] && random.chance(10) {
            out.write("m\(i + 1),\(lastPeriod),\(1000 * (1 + random.below(10))).00\n")
        }
        out.close()
    }

    static func dateText(_ d: (year: Int, month: Int, day: Int)) -> String {
        "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)-\(d.day < 10 ? "0" : "")\(d.day)"
    }

    /// `2026-11-03T10:15:00+08:00`, `...Z` (offset 0) or `2026-11-03 10:15:00` (no offset).
    static func timestamp(_ wall: Int64, offset: Int?) -> String {
        let days = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        let s = Int(wall - days * 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let time = "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))"
        let date = dateText(CivilDate.date(days: days))
        switch offset {
        case nil: return "\(date) \(time)"
        case 0: return "\(date)T\(time)Z"
        case let o?: return "\(date)T\(time)+\(two(o / 3600)):\(two(o / 60 % 60))"
        }
    }
}

/// Appends text to a file through a 1 MB buffer.
final class BufferedFile {
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }

    func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        try? handle.close()
    }
}
