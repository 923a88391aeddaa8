import Testing
@testable import JiliCore

@Suite struct CSVReaderTests {
    func rows(_ text: String) -> (header: [String], rows: [[String]], lines: [Int], problems: [String]) {
        var reader = CSVReader(file: "x.csv")
        var rows: [[String]] = []
        var lines: [Int] = []
        var problems: [String] = []
        var copy = text
        copy.withUTF8 { bytes in
            reader.read(bytes, problem: { problems.append($0.description) }, header: { _ in true }) { r in
                rows.append((0..<r.fieldCount).map { r.string($0) })
                lines.append(r.line)
            }
        }
        return (reader.header, rows, lines, problems)
    }

    @Test func bomQuotesCRLFAndLineBreaksInsideQuotes() {
        let r = rows("\u{FEFF}Id , Name\r\n1,\"王, 芳\"\r\n2,\"say \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n\r\n4,last")
        #expect(r.header == ["id", "name"])
        #expect(r.rows == [["1", "王, 芳"], ["2", "say \"hi\""], ["3", "two\nlines"], ["4", "last"]])
        #expect(r.lines == [2, 3, 4, 7])
        #expect(r.problems.isEmpty)
    }

    @Test func shapeProblemsNameTheLine() {
        let r = rows("a,b\n1,2,3\n4,\"open\n")
        #expect(r.problems == ["x.csv:2: 3 fields, but the header has 2 columns", "x.csv:3: a quoted field is not closed"])
        #expect(rows("").problems == ["x.csv:1: the file is empty: a header row is needed"])
        #expect(rows("a,b\n1,\"2\"x\n").problems == ["x.csv:2: unexpected text after a closing quote"])
    }

    @Test func columnsInAnyOrderAndExtraColumnsIgnored() throws {
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.1"}"#),
                         members: "status,tier,note,sponsor_id,joined_at,name,id\nactive,vip,hello,,2025-01-01,甲,A\n",
                         orders: "amount,paid_at,member_id,id,remark\r\n\"1,000.00\",2026-11-02,A,o1,x\r\n")
        #expect(try s.problems() == [#"orders.csv:2: amount "1,000.00" is not an amount"#])
        let fixed = Scenario(plan: s.plan, members: s.members, orders: "amount,paid_at,member_id,id,remark\r\n1000.00,2026-11-02,A,o1,x\r\n")
        #expect(try fixed.settle("2026-11").table == ["A.retail": "100.00", "A.total": "100.00"])
    }
}

@Suite struct BrokenInputTests {
    let retail = plan(#"{"id": "retail", "type": "commission", "rate": "0.1"}"#)

    @Test func brokenMembers() throws {
        let s = Scenario(plan: retail, members: """
            id,name,sponsor_id,tier,joined_at,status
            A,甲,,general,2025-01-01,active
            B,乙,Z,agent,2025-01-01,active
            C,丙,D,vip,2025-13-01,sleeping
            D,丁,C,boss,2025-01-01,active
            A,戊,,vip,2025-01-01,active
            E,己,E,vip,,active
            """, orders: orders())
        #expect(try s.problems() == [
            #"members.csv:4: status "sleeping" is not one of active, inactive, left"#,
            #"members.csv:4: joined_at "2025-13-01" is not a date (e.g. 2026-11-03 or 2026-11-03T10:15:00+08:00)"#,
            #"members.csv:5: unknown tier "boss" (the plan's tiers: vip, agent, general)"#,
            #"members.csv:6: duplicate member id "A""#,
            #"members.csv:3: unknown sponsor "Z" of member "B""#,
            #"members.csv:4: sponsor links form a cycle: "C" → "D" → "C""#,
            #"members.csv:7: sponsor links form a cycle: "E" → "E""#,
        ])
    }

    @Test func brokenOrders() throws {
        let s = Scenario(plan: retail, members: members("A,,general"), orders: """
            id,member_id,paid_at,amount,cost,quantity
            o1,A,2026-11-02,100,,1
            o1,A,2026-11-02,100,,1
            o2,m99,2026-11-02,100,,1
            o3,A,2026-11-31,100,,1
            o4,A,2026-11-02,-5,,1
            o5,A,2026-11-02,1.234,abc,two
            ,A,2026-11-02,,,
            """)
        #expect(try s.problems() == [
            #"orders.csv:3: duplicate order id "o1""#,
            #"orders.csv:4: unknown member "m99""#,
            #"orders.csv:5: paid_at "2026-11-31" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)"#,
            #"orders.csv:6: amount "-5" is negative"#,
            #"orders.csv:7: amount "1.234" has more than 2 decimals"#,
            #"orders.csv:7: cost "abc" is not an amount"#,
            #"orders.csv:7: quantity "two" is not a whole number"#,
            "orders.csv:8: id is empty",
            "orders.csv:8: amount is empty",
        ])
    }

    @Test func brokenRefunds() throws {
        let s = Scenario(plan: retail, members: members("A,,general"),
                         orders: orders("o1,A,2026-11-02T10:00:00+08:00,100", "o2,A,2026-11-02,50"),
                         refunds: """
            id,order_id,refunded_at,amount
            r1,o1,2026-11-03,60
            r2,o1,2026-11-04,40.01
            r3,o9,2026-11-04,1
            r4,o1,2026-11-02T09:59:59+08:00,1
            r5,o2,2026-11-04,0
            r1,o2,2026-11-04,1
            """)
        #expect(try s.problems() == [
            #"refunds.csv:3: refunds of order "o1" reach 100.01, more than its amount 100.00"#,
            #"refunds.csv:4: unknown order "o9""#,
            #"refunds.csv:5: refunded_at 2026-11-02T09:59:59+08:00 is before order "o1" was paid"#,
            "refunds.csv:6: amount must be above 0",
            #"refunds.csv:7: duplicate refund id "r1""#,
        ])
    }

    @Test func brokenGoalsAndMissingColumns() throws {
        let s = Scenario(plan: retail, members: members("A,,general"), orders: "id,member_id,amount\n",
                         goals: goals("A,2026-11,0", "Z,2026-11,10", "A,2026-W3,10", "A,2026-Q4,10", "A,2026-Q4,20"))
        #expect(try s.problems() == [
            #"orders.csv:1: missing column "paid_at" (the header must name: id, member_id, paid_at, amount)"#,
            "goals.csv:2: target must be above 0",
            #"goals.csv:3: unknown member "Z""#,
            #"goals.csv:4: period "2026-W3" is not a month, quarter or year (2026-11, 2026-Q4, 2026)"#,
            #"goals.csv:6: member "A" has a second goal for 2026-Q4"#,
        ])
    }
}

/// Large orders files are read in parts in parallel: the result must be what one pass gives.
@Suite struct PartsTests {
    func read(_ s: Scenario, parts: Int) throws -> InputReader {
        var reader = InputReader(plan: try s.decodedPlan())
        var members = s.members
        var orders = s.orders
        members.withUTF8 { reader.readMembers($0, file: "members.csv") }
        orders.withUTF8 { reader.readOrders($0, file: "orders.csv", parts: parts, minimumBytesToCut: 0) }
        return reader
    }

    func same(_ a: InputReader, _ b: InputReader) {
        let x = a.input.orders
        let y = b.input.orders
        #expect(x.count == y.count)
        #expect((0..<x.count).map { x.ids[$0] } == (0..<y.count).map { y.ids[$0] })
        #expect(x.seller == y.seller && x.period == y.period && x.instant == y.instant)
        #expect(x.amount == y.amount && x.cost == y.cost)
        #expect(x.category.map { $0 < 0 ? "" : a.input.categories[Int($0)] } == y.category.map { $0 < 0 ? "" : b.input.categories[Int($0)] })
        #expect(a.problems == b.problems)
    }

    @Test(arguments: [UInt64(3), 8, 21])
    func partsGiveWhatOnePassGives(seed: UInt64) throws {
        let s = RandomScenario(seed: seed).scenario()
        let one = try read(s, parts: 1)
        for parts in [2, 3, 7] { same(one, try read(s, parts: parts)) }
    }

    @Test func problemsAndDuplicatesAcrossParts() throws {
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.1"}"#), members: members("A,,general"), orders: """
            id,member_id,paid_at,amount,category
            o1,A,2026-11-02,100,food
            o2,A,2026-11-02,100,home
            o3,m9,2026-11-02,100,food

            o4,A,2026-11-02,1.234,toys
            o1,A,2026-11-03,5,food
            o5,A,bad,5,food
            o2,A,2026-11-03,5,home
            """)
        let one = try read(s, parts: 1)
        #expect(one.problems.map(\.description) == [
            #"orders.csv:4: unknown member "m9""#,
            #"orders.csv:6: amount "1.234" has more than 2 decimals"#,
            #"orders.csv:7: duplicate order id "o1""#,
            #"orders.csv:8: paid_at "bad" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)"#,
            #"orders.csv:9: duplicate order id "o2""#,
        ])
        for parts in 2...6 { same(one, try read(s, parts: parts)) }
    }

    @Test func aQuoteAnywhereKeepsTheFileInOnePart() {
        let rows = Array("o1,A,2026-11-02,100\no2,A,\"2026-11-02\",5\no3,A,2026-11-02,1\n".utf8)
        rows.withUnsafeBufferPointer { b in
            #expect(OrdersPart.cut(b, into: 2) == nil)
        }
        let plain = Array("o1,A,2026-11-02,100\no2,A,2026-11-02,5\no3,A,2026-11-02,1\n".utf8)
        plain.withUnsafeBufferPointer { b in
            let parts = OrdersPart.cut(b, into: 2)!
            #expect(parts.map { String(decoding: $0, as: UTF8.self) } == ["o1,A,2026-11-02,100\no2,A,2026-11-02,5\n", "o3,A,2026-11-02,1\n"])
        }
    }

    @Test func aHeaderWithAQuotedLineBreak() throws {
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.1"}"#), members: members("A,,general"),
                         orders: "id,\"member\nnote\",member_id,paid_at,amount\no1,x,A,2026-11-02,100\n")
        #expect(try s.settle("2026-11").table == ["A.retail": "10.00", "A.total": "10.00"])
        #expect(try read(s, parts: 2).problems.isEmpty)
    }
}

extension CSVReaderTests {
    @Test func anUnclosedQuoteInTheHeaderIsTheOnlyProblem() {
        #expect(rows("\"a,b\n1,2\n").problems == ["x.csv:1: a quoted field is not closed"])
    }
}
