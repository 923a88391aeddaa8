import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The team on the dashboard is the viewer's scope: a department manager's department (it was
/// their own subtree), a sales manager's subtree, everyone for the leader.
@Suite struct DashboardTests {
    func headcount(_ page: Visitor.Page) -> Int? {
        guard let r = page.body.visibleText.range(of: "团队人数 ") else { return nil }
        return Int(page.body.visibleText[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func theTeamIsTheViewersScope() async throws {
        try await withTestApp { app in
            let support = try #require(try await Account.query(on: app.db).filter(\.$username == "support").first())
            let department = try #require(support.$department.id)
            let inDepartment = try await Member.query(on: app.db).filter(\.$department.$id == department).count()
            let m12 = try #require(try await Member.query(on: app.db).filter(\.$code == "m12").first())
            let subtree = try await Member.query(on: app.db).filter(\.$path =~ m12.path).count()
            #expect(inDepartment != subtree, "the demo tells the two apart")
            var visitor = try await Visitor.signedIn(app, "support")
            #expect(headcount(try await visitor.get("/dashboard")) == inDepartment)

            let manager = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").with(\.$member).first())
            let managersTeam = try await Member.query(on: app.db).filter(\.$path =~ manager.member!.path).count()
            var sales = try await Visitor.signedIn(app, "manager")
            #expect(headcount(try await sales.get("/dashboard")) == managersTeam)

            var leader = try await Visitor.signedIn(app, "leader")
            #expect(headcount(try await leader.get("/dashboard")) == (try await Member.query(on: app.db).count()))
        }
    }
}
