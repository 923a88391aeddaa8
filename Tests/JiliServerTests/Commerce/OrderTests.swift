import Fluent
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct OrderTests {
    @Test func theOrderListFiltersByMonthMemberAndSubtreeWithTotals() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let team = try await Member.query(on: app.db).filter(\.$path =~ m10.path).all()
            let orders = try await Order.query(on: app.db).filter(\.$period == "2026-10").filter(\.$member.$id ~~ team.map { $0.id! }).all()
            let amount = orders.reduce(Int64(0)) { $0 + $1.amountFen }
            let refunded = orders.reduce(Int64(0)) { $0 + $1.refundedFen }
            let text = try await leader.get("/orders?month=2026-10&member=m10&subtree=1").body.visibleText
            #expect(text.contains("订单数 \(orders.count)"))
            #expect(text.contains("金额 \(Money(fen: amount).display)"))
            #expect(text.contains("已退款 \(Money(fen: refunded).display)"))
            #expect(text.contains("净额 \(Money(fen: amount - refunded).display)"))
            let own = orders.filter { $0.$member.id == m10.id }
            #expect(try await leader.get("/orders?month=2026-10&member=m10").body.visibleText.contains("订单数 \(own.count)"))
            let all = try await Order.query(on: app.db).filter(\.$period == "2026-11").count()
            #expect(try await leader.get("/orders").body.visibleText.contains("订单数 \(all)"))
        }
    }

    @Test func anAgentEntersAnOrderAndItCountsAtOnce() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let p1 = try #require(try await Product.query(on: app.db).filter(\.$code == "p1").first())
            let p2 = try #require(try await Product.query(on: app.db).filter(\.$code == "p2").first())
            let m10 = try #require(try await Member.find(10, on: app.db))
            let before = try await TeamQueries(db: app.db).volume(of: m10, period: "2026-11")
            let m10Path = m10.path
            let created = try await agent.post("/orders", ["seller": "m10", "customer": "", "product[0]": "\(p1.id!)", "quantity[0]": "2",
                                                          "product[1]": "\(p2.id!)", "quantity[1]": "1", "product[2]": "\(p1.id!)", "quantity[2]": "0"],
                                               from: "/orders/new")
            #expect(created.status == .seeOther)
            let code = String(try #require(created.location).dropFirst("/orders/".count))
            let order = try #require(try await Order.query(on: app.db).filter(\.$code == code).with(\.$lines).first())
            #expect(order.amountFen == p1.priceFen * 2 + p2.priceFen)
            #expect(order.lines.count == 2)
            #expect(order.period == "2026-11")
            #expect(try await TeamQueries(db: app.db).volume(of: m10, period: "2026-11") == before + order.amountFen)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "order").filter(\.$entityID == code).count() == 1)
            // With a customer the agent looks after; someone else's customer is refused.
            let customers = try await Customer.query(on: app.db).with(\.$member).all()
            let mine = try #require(customers.first { $0.member?.path.hasPrefix(m10Path) == true })
            let withCustomer = try await agent.post("/orders", ["seller": "m10", "customer": "\(mine.id!)", "product[0]": "\(p1.id!)", "quantity[0]": "1"], from: "/orders/new")
            let withCode = String(try #require(withCustomer.location).dropFirst("/orders/".count))
            #expect(try await Order.query(on: app.db).filter(\.$code == withCode).first()?.$customer.id == mine.id)
            let theirs = try #require(customers.first { $0.member?.path.hasPrefix(m10Path) == false })
            #expect(try await agent.post("/orders", ["seller": "m10", "customer": "\(theirs.id!)", "product[0]": "\(p1.id!)", "quantity[0]": "1"], from: "/orders/new").status == .forbidden)
            // An agent enters orders for themselves only.
            let other = try await agent.post("/orders", ["seller": "m3", "product[0]": "\(p1.id!)", "quantity[0]": "1"], from: "/orders/new")
            #expect(other.status == .forbidden)
            // Nothing chosen: refused with a message, nothing written.
            let count = try await Order.query(on: app.db).count()
            let empty = try await agent.post("/orders", ["seller": "m10", "product[0]": "\(p1.id!)", "quantity[0]": "0"], from: "/orders/new")
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.visibleText.contains("请至少选择一件商品并填写数量。"))
            #expect(try await Order.query(on: app.db).count() == count)
            // −2 is not a quantity: said at its line, the form as typed (not reset to 1), nothing written.
            let negative = try await agent.post("/orders", ["seller": "m10", "product[0]": "\(p2.id!)", "quantity[0]": "-2",
                                                            "product[1]": "\(p1.id!)", "quantity[1]": "1"], from: "/orders/new")
            #expect(negative.status == .unprocessableEntity)
            #expect(negative.body.visibleText.contains("有 1 处需要修改，见标出的字段。") && negative.body.visibleText.contains("第 1 件的数量：“-2”不是 0 或正整数（不要的商品填 0）。"))
            #expect(negative.body.contains(#"name="quantity[]" inputmode="numeric" value="-2" aria-invalid="true""#))
            #expect(negative.body.contains(#"<option value="\#(p2.id!)" selected>"#))
            #expect(try await Order.query(on: app.db).count() == count)
        }
    }

    @Test func refundsArePartialOrFullAndNeverMoreThanWhatIsLeft() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let order = try #require(try await Order.query(on: app.db).filter(\.$refundedFen == 0).filter(\.$amountFen > 10_000).sort(\.$id).first())
            let path = "/orders/\(order.code)"
            let part = try await finance.post(path + "/refunds", ["amount": "50.00"], from: path)
            #expect(part.status == .seeOther && part.location == path)
            let tooMuch = try await finance.post(path + "/refunds", ["amount": Money(fen: order.amountFen).description], from: path)
            #expect(tooMuch.status == .unprocessableEntity)
            #expect(tooMuch.body.visibleText.contains("退款金额不能超过可退金额 \(Money(fen: order.amountFen - 5000).display)。"))
            let bad = try await finance.post(path + "/refunds", ["amount": "1O.00"], from: path)
            #expect(bad.body.visibleText.contains("“1O.00”不是金额"))
            let rest = try await finance.post(path + "/refunds", ["amount": Money(fen: order.amountFen - 5000).description], from: path)
            #expect(rest.status == .seeOther)
            let fresh = try #require(try await Order.find(order.id, on: app.db))
            #expect(fresh.refundedFen == order.amountFen)
            #expect(try await Refund.query(on: app.db).filter(\.$order.$id == order.id!).count() == 2)
            // Nothing left: no more refunds, and agents may not refund at all.
            #expect(try await finance.post(path + "/refunds", ["amount": "0.01"], from: path).status == .unprocessableEntity)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post(path + "/refunds", ["amount": "0.01"]).status == .forbidden)
        }
    }

    @Test func aRefundIsNeverDatedBeforeItsOrder() async throws {
        try await withTestApp { app in
            let order = try #require(try await Order.query(on: app.db).filter(\.$refundedFen == 0).sort(\.$id).first())
            let service = OrderService(db: app.db, clock: JiliClock(now: { testNow }))
            await #expect(throws: Refusal.self) {
                _ = try await service.refund(order: order, amountFen: 100, at: order.paidAt.addingTimeInterval(-1), code: nil, by: .system)
            }
            let refund = try await service.refund(order: order, amountFen: 100, at: order.paidAt, code: "r-same-time", by: .system)
            #expect(refund.amountFen == 100)
            // The same code again is the same refund (the code is the idempotency key).
            let again = try await service.refund(order: order, amountFen: 100, at: order.paidAt, code: "r-same-time", by: .system)
            #expect(again.id == refund.id)
            #expect(try await Order.find(order.id, on: app.db)!.refundedFen == 100)
        }
    }

    @Test func theCatalogueIsEditedByTheLeaderWithAnAuditTrail() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let created = try await leader.post("/products", ["code": "p21", "name": "桂花乌龙茶", "category": "food", "price": "68", "cost": "21.5", "active": "on"], from: "/products/new")
            #expect(created.status == .seeOther)
            let p = try #require(try await Product.query(on: app.db).filter(\.$code == "p21").first())
            #expect(p.priceFen == 6800 && p.costFen == 2150 && p.status == .active)
            let updated = try await leader.post("/products/p21", ["name": "桂花乌龙茶", "category": "food", "price": "72.00", "cost": "21.50"], from: "/products/p21")
            #expect(updated.status == .seeOther)
            let after = try #require(try await Product.query(on: app.db).filter(\.$code == "p21").first())
            #expect(after.priceFen == 7200 && after.status == .inactive)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "product").filter(\.$entityID == "p21").sort(\.$id).all()
            #expect(audit.map(\.action) == ["create", "update"])
            #expect(audit[1].before?.contains("\"price\":\"68.00\"") == true && audit[1].after?.contains("\"price\":\"72.00\"") == true)
            #expect(try await leader.post("/products", ["code": "p21", "name": "x", "category": "food", "price": "1", "cost": "1"], from: "/products/new").status == .conflict)
            #expect(try await leader.post("/products", ["code": "p22", "name": "x", "category": "food", "price": "1.234", "cost": "1"], from: "/products/new").status == .unprocessableEntity)
            // Three fields wrong: one message each, at its field, with what was typed.
            let wrong = try await leader.post("/products", ["code": "p22", "name": " ", "category": "food", "price": "abc", "cost": "-1"], from: "/products/new")
            let text = wrong.body.visibleText
            #expect(wrong.status == .unprocessableEntity && text.contains("有 3 处需要修改，见标出的字段。"))
            #expect(text.contains("商品名称：请填写。") && text.contains("价格：“abc”不是不小于 0 的金额") && text.contains("成本：“-1”不是不小于 0 的金额"))
            #expect(wrong.body.components(separatedBy: #"aria-invalid="true""#).count - 1 == 3 && wrong.body.contains(#"name="price" value="abc""#))
            // Agents see prices but not costs.
            var agent = try await Visitor.signedIn(app, "agent")
            let list = try await agent.get("/products").body.visibleText
            #expect(list.contains("¥128.00") && !list.contains("成本"))
        }
    }
}
