import Foundation
import JiliCore

/// The demo team built in memory, in steps that each draw from one seeded generator in a fixed order
/// (so the team is the same on every machine), with ids given in order for an empty database.
struct DemoBuild {
    let clock: JiliClock
    let now: Date
    let current: Period
    var random = SeededRandom(seed: 2026)
    var departments: [Department] = []
    var positions: [Position] = []
    var positionIDs: [String: (department: Int, position: Int)] = [:]
    var members: [Member] = []
    var products: [Product] = []
    var customerRows: [Customer] = []
    var orderRows: [Order] = []
    var lines: [OrderLine] = []
    var refunds: [Refund] = []
    var goalRows: [Goal] = []
    var payeeRows: [Payee] = []

    init(clock: JiliClock) {
        self.clock = clock
        now = clock.now()
        current = clock.currentPeriod
    }

    /// The org chart: departments and their positions.
    mutating func orgChart() {
        for (i, (name, names)) in DemoTeam.org.enumerated() {
            let d = Department(name: name, sort: i)
            d.id = departments.count + 1
            departments.append(d)
            for (j, p) in names.enumerated() {
                let position = Position(name: p, departmentID: d.id!, sort: j)
                position.id = positions.count + 1
                positions.append(position)
                positionIDs[p] = (d.id!, position.id!)
            }
        }
    }

    mutating func add(_ sponsor: Member?, tier: String, position: String?, status: MemberStatus = .active) -> Member {
        let name = String(DemoTeam.surnames[random.below(DemoTeam.surnames.count)]) + DemoTeam.givenNames[random.below(DemoTeam.givenNames.count)]
        let joinedDaysAgo = Double(30 + random.below(900))
        let m = Member(code: "m\(members.count + 1)", name: name, phone: "13\(100_000_000 + random.below(899_999_999))",
                       sponsorID: sponsor?.id, tier: tier, status: status, joinedAt: now.addingTimeInterval(-joinedDaysAgo * 86_400))
        m.id = members.count + 1
        m.path = Member.path(sponsorPath: sponsor?.path, id: m.id!)
        if let position, let place = positionIDs[position] {
            m.$department.id = place.department
            m.$position.id = place.position
        }
        members.append(m)
        return m
    }

    /// The team: the leader, the operations director and staff under them, three sales managers each
    /// with a tree of agents four tiers deep (a few inactive and left).
    mutating func people() {
        let leader = add(nil, tier: "director", position: "团队领导人")
        let director = add(leader, tier: "director", position: "运营总监")
        var managers: [Member] = []
        for _ in 0..<3 { managers.append(add(leader, tier: "general", position: "销售经理")) }
        let staff: [(String, String)] = [
            ("市场推广经理", "agent"), ("文案策划", "vip"), ("推广专员", "vip"), ("培训经理", "agent"), ("培训讲师", "vip"),
            ("客服经理", "agent"), ("客服专员", "vip"), ("客服专员", "vip"), ("采购经理", "agent"), ("仓储物流专员", "vip"),
            ("技术经理", "agent"), ("程序员/开发人员", "vip"), ("财务经理", "agent"), ("会计", "vip"),
        ]
        // m6…: staff, except that m10 is the demo agent with a downline of their own (below).
        for (position, tier) in staff.prefix(4) { _ = add(director, tier: tier, position: position) }
        let agent = add(managers[0], tier: "agent", position: "高级销售代表")
        for (position, tier) in staff.dropFirst(4) { _ = add(director, tier: tier, position: position) }
        // Sales trees: each level mostly lower tiers, some promoted ones.
        var frontier: [Member] = managers + [agent]
        while members.count < 300 {
            let sponsor = frontier[random.below(frontier.count)]
            let rank = Tiers.ids.firstIndex(of: sponsor.tier) ?? 0
            let tier = Tiers.ids[max(0, min(rank, random.chance(25) ? rank : random.below(max(rank, 1))))]
            let roll = random.below(100)
            let status: MemberStatus = roll < 5 ? .inactive : roll < 7 ? .left : .active
            let position = tier == "agent" || tier == "general" ? "高级销售代表" : "普通销售代表"
            let m = add(sponsor, tier: tier, position: random.chance(30) ? position : nil, status: status)
            if m.path.split(separator: "/").count < 8 { frontier.append(m) }
        }
    }

    /// An account per role, each the member it is.
    func accounts(passwordHash: String) -> [Account] {
        DemoTeam.accounts.enumerated().map { i, a in
            let member = a.member.flatMap { code in members.first { $0.code == code } }
            // The department manager runs the department of the position they hold (客服部 for the demo).
            let department = a.role == .departmentManager ? member?.$department.id : nil
            let account = Account(username: a.username, phone: member?.phone, passwordHash: passwordHash, role: a.role,
                                  memberID: member?.id, departmentID: department, name: member?.name ?? a.name)
            account.id = i + 1
            return account
        }
    }

    mutating func catalogue() {
        products = DemoTeam.products.enumerated().map { i, p in
            let product = Product(code: "p\(i + 1)", name: p.0, category: p.1, priceFen: p.2, costFen: p.3)
            product.id = i + 1
            return product
        }
    }

    var sellers: [Member] { members.filter { $0.status != .left } }

    /// 200 customers, each of a seller.
    mutating func customers() {
        let sellers = sellers
        for i in 0..<200 {
            let owner = sellers[random.below(sellers.count)]
            let c = Customer(name: String(DemoTeam.surnames[random.below(DemoTeam.surnames.count)]) + (i % 2 == 0 ? "女士" : "先生"),
                             phone: "15\(100_000_000 + random.below(899_999_999))", memberID: owner.id)
            c.id = i + 1
            customerRows.append(c)
        }
    }

    /// Four months of orders up to now, some refunded.
    mutating func orders() {
        let sellers = sellers
        let cal = PlanClock(timeZone: clock.timeZone)
        for back in (0..<4).reversed() {
            let period = Period(index: current.index - Int32(back))
            let start = cal.instant(fromWall: CivilDate.days(year: period.year, month: period.month, day: 1) * 86_400)
            let next = period.next
            let end = min(Int64(now.timeIntervalSince1970),
                          cal.instant(fromWall: CivilDate.days(year: next.year, month: next.month, day: 1) * 86_400))
            guard end > start else { continue }
            for _ in 0..<(back == 0 ? 400 : 650) { order(sellers: sellers, from: start, to: end) }
        }
    }

    private mutating func order(sellers: [Member], from start: Int64, to end: Int64) {
        // A few sellers sell much: the front of the list is picked more often.
        let u = Double(random.below(1_000_000)) / 1_000_000
        let seller = sellers[min(sellers.count - 1, Int(Double(sellers.count) * u * u))]
        let paid = Date(timeIntervalSince1970: Double(start + Int64(random.below(Int(end - start)))))
        var picked: [(Product, Int)] = []
        for _ in 0..<(1 + random.below(3)) { picked.append((products[random.below(products.count)], 1 + random.below(3))) }
        let amount = picked.reduce(Int64(0)) { $0 + $1.0.priceFen * Int64($1.1) }
        let cost = picked.reduce(Int64(0)) { $0 + $1.0.costFen * Int64($1.1) }
        let categories = Set(picked.map { $0.0.category })
        let customer = customerRows[random.below(customerRows.count)]
        let order = Order(code: "o\(orderRows.count + 1)", memberID: seller.id!, customerID: customer.id, paidAt: paid,
                          period: clock.period(of: paid).description, amountFen: amount, costFen: cost,
                          category: categories.count == 1 ? categories.first : nil)
        order.id = orderRows.count + 1
        orderRows.append(order)
        for (product, quantity) in picked {
            let line = OrderLine(orderID: order.id!, productID: product.id!, quantity: quantity,
                                 priceFen: product.priceFen, costFen: product.costFen)
            line.id = lines.count + 1
            lines.append(line)
        }
        guard random.chance(4) else { return }
        let refundAt = paid.addingTimeInterval(Double(3600 + random.below(15 * 86_400)))
        guard refundAt < now else { return }
        let part = random.chance(50) ? amount : max(100, amount * Int64(20 + random.below(60)) / 100)
        let refund = Refund(code: "r\(refunds.count + 1)", orderID: order.id!, refundedAt: refundAt, amountFen: part)
        refund.id = refunds.count + 1
        refunds.append(refund)
        order.refundedFen = part
    }

    mutating func goal(_ scope: String, member: Member?, window: String, metric: String, target: Int64) {
        let g = Goal()
        g.scope = scope
        g.$member.id = member?.id
        g.period = window
        g.metric = metric
        g.target = target
        g.key = (member.map { "\(scope):\($0.id!)" } ?? scope) + ":\(window):\(metric)"
        g.createdBy = "system"
        g.createdAt = now
        g.id = goalRows.count + 1
        goalRows.append(g)
    }

    /// Monthly volume goals for the busiest sellers (what the plan's goalBonus pays on), and the
    /// whole team's month and quarter.
    mutating func goals() {
        for seller in sellers.prefix(40) where seller.status == .active {
            for back in 0..<4 {
                goal("member", member: seller, window: Period(index: current.index - Int32(back)).description, metric: "volume",
                     target: Int64(3 + random.below(8)) * 100_000)
            }
        }
        goal("team", member: nil, window: current.description, metric: "volume", target: 30_000_000)
        goal("team", member: nil, window: GoalWindow.holding(current, kind: .quarter).description, metric: "volume", target: 100_000_000)
        goal("team", member: nil, window: current.description, metric: "orders", target: 500)
    }

    /// Payee details for the members (made-up numbers that pass the checks), but for the demo agent
    /// m10 and m11, who have still to give theirs. From a generator of their own, so that adding
    /// them changed nothing else of the demo.
    mutating func payees() {
        var r = SeededRandom(seed: 95_588)
        let banks = ["中国工商银行杭州西湖支行", "中国建设银行杭州分行", "招商银行杭州分行", "中国农业银行上海浦东支行", "中国银行南京鼓楼支行"]
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        for m in members where !["m10", "m11"].contains(m.code) {
            let birth = String(format: "%04d%02d%02d", 1970 + r.below(30), 1 + r.below(12), 1 + r.below(28))
            let id17 = "330106" + birth + String(format: "%03d", r.below(1000))
            let sum = zip(id17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
            var card = "621700" + (0..<9).map { _ in String(r.below(10)) }.joined()
            // The Luhn check digit: the one that makes the card's sum a multiple of ten.
            card += (0...9).map(String.init).first { PersonalData.checkCard(card + $0) == nil }!
            let p = Payee()
            p.id = payeeRows.count + 1
            p.$member.id = m.id!
            p.realName = m.name
            p.idType = PersonalData.IDType.residentCard.rawValue
            p.idNumber = id17 + String(Array("10X98765432")[sum % 11])
            p.method = .bank
            p.bankName = banks[r.below(banks.count)]
            p.bankCard = card
            p.updatedAt = now
            p.updatedBy = "system"
            payeeRows.append(p)
        }
    }
}
