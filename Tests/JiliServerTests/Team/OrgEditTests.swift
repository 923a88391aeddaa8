import Fluent
import Testing
import Vapor
@testable import JiliServer

@Suite struct OrgEditTests {
    @Test func theLeaderAddsRenamesMovesAndRemovesEmptyParts() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.post("/org/departments", ["name": "直播部"], from: "/org/edit").status == .seeOther)
            let live = try #require(try await Department.query(on: app.db).filter(\.$name == "直播部").first())
            let sales = try #require(try await Department.query(on: app.db).filter(\.$name == "销售部").first())
            #expect(try await leader.post("/org/positions", ["name": "主播", "department": "\(live.id!)"], from: "/org/edit").status == .seeOther)
            let host = try #require(try await Position.query(on: app.db).filter(\.$name == "主播").first())
            // Rename and place the department under 销售部.
            #expect(try await leader.post("/org/departments/\(live.id!)", ["name": "直播带货部", "parent": "\(sales.id!)"], from: "/org/edit").status == .seeOther)
            let moved = try #require(try await Department.find(live.id, on: app.db))
            #expect(moved.name == "直播带货部" && moved.$parent.id == sales.id)
            // 销售部 under its own child would loop.
            let loop = try await leader.post("/org/departments/\(sales.id!)", ["name": "销售部", "parent": "\(live.id!)"], from: "/org/edit")
            #expect(loop.status == .unprocessableEntity)
            #expect(loop.body.visibleText.contains("上级部门不存在，或在其下级之中。"))
            // Someone in the position: neither it nor its department can go.
            let m = try #require(try await Member.query(on: app.db).filter(\.$code == "m200").first())
            m.$position.id = host.id
            m.$department.id = live.id
            try await m.save(on: app.db)
            let busy = try await leader.post("/org/positions/\(host.id!)/delete", [:], from: "/org/edit")
            #expect(busy.status == .unprocessableEntity && busy.body.visibleText.contains("“主播”还有人员"))
            #expect(try await leader.post("/org/departments/\(live.id!)/delete", [:], from: "/org/edit").status == .unprocessableEntity)
            // Emptied, both go.
            m.$position.id = nil
            m.$department.id = nil
            try await m.save(on: app.db)
            #expect(try await leader.post("/org/positions/\(host.id!)/delete", [:], from: "/org/edit").status == .seeOther)
            #expect(try await leader.post("/org/departments/\(live.id!)/delete", [:], from: "/org/edit").status == .seeOther)
            #expect(try await Department.find(live.id, on: app.db) == nil)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity ~~ ["department", "position"]).sort(\.$id).all().map { "\($0.action) \($0.entity)" }
            #expect(audit == ["create department", "create position", "update department", "delete position", "delete department"])
        }
    }

    @Test func aMovedPositionTakesItsPeopleAlong() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let position = try #require(try await Position.query(on: app.db).filter(\.$name == "会计").first())
            let training = try #require(try await Department.query(on: app.db).filter(\.$name == "培训部").first())
            let people = try await Member.query(on: app.db).filter(\.$position.$id == position.id!).all()
            #expect(!people.isEmpty)
            #expect(try await leader.post("/org/positions/\(position.id!)", ["name": "会计", "department": "\(training.id!)"], from: "/org/edit").status == .seeOther)
            for p in people { #expect(try await Member.find(p.id, on: app.db)?.$department.id == training.id) }
            var director = try await Visitor.signedIn(app, "director")
            #expect(try await director.get("/org/edit").status == .forbidden)
        }
    }
}
