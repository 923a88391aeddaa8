import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import JiliServer

/// Sessions and accounts kept a few seconds per instance (``RecentReads``).
@Suite struct KeptSignInTests {
    @Test func aKeptValueLastsItsLifetimeAndNotASecondMore() {
        let kept = RecentReads<String, Int>(lifetime: 5, capacity: 3)
        let t0 = ContinuousClock.now
        kept.keep("a", 1, now: t0)
        #expect(kept.fresh("a", now: t0) == 1)
        #expect(kept.fresh("a", now: t0 + .milliseconds(4_999)) == 1)
        #expect(kept.fresh("a", now: t0 + .seconds(5)) == nil)
        // A clock that went back does not make an old copy fresh.
        #expect(kept.fresh("a", now: t0 + .seconds(-1)) == nil)
        kept.forget("a")
        #expect(kept.fresh("a", now: t0) == nil)
    }

    @Test func aFullCacheDropsWhatIsStaleFirst() {
        let kept = RecentReads<String, Int>(lifetime: 5, capacity: 3)
        let t0 = ContinuousClock.now
        kept.keep("old", 1, now: t0)
        kept.keep("b", 2, now: t0 + .seconds(3))
        kept.keep("c", 3, now: t0 + .seconds(3))
        kept.keep("d", 4, now: t0 + .seconds(6))
        #expect(kept.count == 3)
        #expect(kept.fresh("old", now: t0 + .seconds(6)) == nil)
        #expect(kept.fresh("b", now: t0 + .seconds(6)) == 2)
        #expect(kept.fresh("d", now: t0 + .seconds(6)) == 4)
    }

    @Test func aPageThatChangesNothingWritesNoSessionAndTheStoredOneIsReadWhenTheCopyIsGone() async throws {
        try await withTestApp { app in
            var v = try await Visitor.signedIn(app, "agent")
            #expect(try await v.get("/dashboard").status == .ok)
            let key = try #require(v.cookies["jili_session"]).removingPercentEncoding!
            // Another instance signs the session out: its row is gone from the database.
            try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: key)).delete()
            // This instance still knows it for a few seconds, and writes nothing back for a page view.
            #expect(try await v.get("/dashboard").status == .ok)
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
            // Once its copy is gone (after `keptSignInSeconds`) the session is read again: there is none.
            app.recentSessions.forget(key)
            #expect(try await v.get("/dashboard").location == "/signin?next=/dashboard")
        }
    }

    @Test func signingOutOnThisInstanceEndsTheSessionAtOnce() async throws {
        try await withTestApp { app in
            var v = try await Visitor.signedIn(app, "agent")
            let before = v.cookies
            #expect(try await v.post("/signout", [:]).location == "/signin")
            var replay = Visitor(app)
            replay.cookies = before
            #expect(try await replay.get("/dashboard").location == "/signin?next=/dashboard")
        }
    }

    @Test func anAccountSavedOnThisInstanceIsReadAgainAtOnce() async throws {
        try await withTestApp { app in
            var v = try await Visitor.signedIn(app, "agent")
            #expect(try await v.get("/audit").status == .forbidden)
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            account.role = Role.finance.rawValue
            try await account.save(on: app.db)
            #expect(try await v.get("/audit").status == .ok)
            try await account.delete(on: app.db)
            #expect(try await v.get("/dashboard").location == "/signin?next=/dashboard")
        }
    }
}
