import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The outbox sent to the WeChat stand-in: each message at most once, with two senders at once or a
/// sender that stopped; the access token fetched again when it expires; members who cannot be reached
/// marked with the reason; rate limits tried again later.
@Suite struct MessageSenderTests {
    func sender(_ app: Application, _ standIn: WeChatStandIn, at now: Date = testNow) -> MessageSender {
        MessageSender(db: app.db, clock: JiliClock(now: { now }), wechat: WeChatClient(config: standIn.config, client: app.client),
                      words: app.catalog.table("zh-CN"), linkBase: "https://jili.example.com")
    }

    func bind(_ username: String, to openID: String, _ app: Application) async throws -> Member {
        let account = try #require(try await Account.query(on: app.db).filter(\.$username == username).first())
        account.wechatOpenID = openID
        try await account.save(on: app.db)
        return try #require(try await Member.find(account.$member.id, on: app.db))
    }

    /// `count` new notices for a member, each with its outbox message.
    func tell(_ member: Member, _ count: Int, _ app: Application, prefix: String = "t") async throws {
        try await app.db.transaction { db in
            for i in 0..<count {
                try await Notices.tell(member.id!, message: "notice_praised", values: ["author": "王经理"], link: "/wall#p\(i)",
                                       event: "\(prefix):\(member.id!):\(i)", at: testNow, on: db)
            }
        }
    }

    @Test func eachMessageReachesItsMembersWeChatOnceAndTheOthersSayWhy() async throws {
        try await withWeChat { app, standIn in
            let m10 = try await bind("agent", to: "oAgent000000001", app)
            let mine = try await OutboxMessage.query(on: app.db).filter(\.$status == .pending).all()
                .filter { $0.payload.contains("\"member_id\":\(m10.id!),") }.count
            let pending = try await OutboxMessage.query(on: app.db).filter(\.$status == .pending).count()
            try await tell(m10, 2, app)
            #expect(pending > mine)
            let outcome = try await sender(app, standIn).run()
            #expect(outcome.sent == mine + 2 && outcome.undeliverable == pending - mine && outcome.later == 0, "\(outcome)")
            let received = standIn.received
            #expect(received.count == mine + 2 && received.allSatisfy { $0.touser == "oAgent000000001" })
            let praise = try #require(received.last)
            #expect(praise.template == "TPL-DEFAULT" && praise.url == "https://jili.example.com/wall#p1" && praise.first == "王经理 在表扬墙上表扬了您！",
                    "\(praise)")
            #expect(standIn.tokenFetches == 1)
            let sent = try await OutboxMessage.query(on: app.db).filter(\.$status == .sent).all()
            #expect(sent.count == mine + 2 && sent.allSatisfy { $0.wechatMessageID != nil && $0.sentAt != nil })
            let unreachable = try await OutboxMessage.query(on: app.db).filter(\.$status == .undeliverable).all()
            #expect(unreachable.allSatisfy { $0.reason == "no_wechat" })
            // Nothing twice: running again sends nothing.
            #expect(try await sender(app, standIn).run() == MessageSender.Outcome())
            #expect(standIn.received.count == mine + 2)
        }
    }

    @Test func twoSendersAtTheSameMomentSendEachMessageOnce() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000002", app)
            try await tell(m10, 250, app)
            async let a = sender(app, standIn).run()
            async let b = sender(app, standIn).run()
            let (x, y) = try await (a, b)
            #expect(x.sent + y.sent == 250, "\(x) \(y)")
            let links = standIn.received.map(\.url)
            #expect(links.count == 250 && Set(links).count == 250)
        }
    }

    /// A sender stopped after claiming: what it never called is sent once by the next sender after
    /// the lease; what it was calling is not sent again (it may have arrived).
    @Test func aSenderThatStoppedAfterClaimingLeavesNothingSentTwice() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000003", app)
            try await tell(m10, 10, app)
            let (claimed, _, _, _) = try await sender(app, standIn).claim(10)
            #expect(claimed.count == 10)
            // It had begun calling WeChat for the first one when it stopped.
            claimed[0].calledAt = testNow
            try await claimed[0].save(on: app.db)
            // Before the lease ends, another sender leaves them alone.
            #expect(try await sender(app, standIn, at: testNow.addingTimeInterval(60)).run() == MessageSender.Outcome())
            let later = try await sender(app, standIn, at: testNow.addingTimeInterval(MessageSender.lease + 1)).run()
            #expect(later.sent == 9 && later.reclaimed == 9 && later.interrupted == 1, "\(later)")
            #expect(standIn.received.count == 9 && Set(standIn.received.map(\.url)).count == 9)
            let first = try #require(try await OutboxMessage.find(claimed[0].id, on: app.db))
            #expect(first.status == .undeliverable && first.reason == "interrupted")
        }
    }

    @Test func anExpiredTokenIsFetchedAgainOnceAndTheBatchGoesOn() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000004", app)
            try await tell(m10, 7, app)
            standIn.expireTokensAfter(3)
            let outcome = try await sender(app, standIn).run()
            #expect(outcome.sent == 7 && standIn.received.count == 7, "\(outcome)")
            #expect(standIn.tokenFetches == 3)
            // The newest token is kept for every sender and instance.
            let kept = try #require(try await WeChatAccessToken.query(on: app.db).first())
            #expect(kept.expiresAt == testNow.addingTimeInterval(7200))
        }
    }

    @Test func unfollowedMembersAreUndeliverableAndRateLimitsAreTriedAgainLater() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000005", app)
            let m3 = try await bind("manager", to: "oManager0000005", app)
            try await tell(m10, 1, app)
            try await tell(m3, 1, app)
            standIn.unfollow("oManager0000005")
            standIn.rateLimitOnce("oAgent000000005")
            let first = try await sender(app, standIn).run()
            #expect(first.undeliverable == 1 && first.later == 1 && first.sent == 0, "\(first)")
            let manager = try #require(try await OutboxMessage.query(on: app.db).filter(\.$status == .undeliverable).first())
            #expect(manager.reason == "unfollowed (43004)")
            let waiting = try #require(try await OutboxMessage.query(on: app.db).filter(\.$status == .pending).first())
            #expect(waiting.attempts == 1 && waiting.nextAttemptAt == testNow.addingTimeInterval(60) && waiting.reason?.hasPrefix("45009") == true)
            // Not before its time; then once.
            #expect(try await sender(app, standIn, at: testNow.addingTimeInterval(30)).run().sent == 0)
            #expect(try await sender(app, standIn, at: testNow.addingTimeInterval(61)).run().sent == 1)
            #expect(standIn.received.count == 1 && MessageSender.backoff(attempts: 3) == 240 && MessageSender.backoff(attempts: 12) == 3600)
        }
    }

    @Test func withoutWeChatNothingIsSent() async throws {
        try await withTestApp { app in
            #expect(JiliServer.messageSender(app) == nil)
        }
    }

    /// An integration queues a notice; it is in the app at once and reaches WeChat; the leader's page
    /// says what arrived and why the others did not.
    @Test func anIntegrationQueuesANoticeAndTheLeaderSeesHowMessagesWent() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            _ = try await bind("agent", to: "oAgent000000006", app)
            let leaderToken = try await token(app, as: "leader"), agentToken = try await token(app, as: "agent")
            let body = #"{"member": "m10", "text": "今晚 8 点直播培训，记得参加", "url": "/training"}"#
            let (status, json) = try await call(app, .POST, "/api/v1/notices", leaderToken, json: body)
            #expect(status == .created, "\(String(describing: json))")
            let dto = try #require(json as? [String: Any])
            #expect(dto["member"] as? String == "m10" && dto["status"] as? String == "pending" && dto["url"] as? String == "/training")
            #expect(try await call(app, .POST, "/api/v1/notices", agentToken, json: body).0 == .forbidden)
            for bad in [#"{"member": "m10", "text": "x", "url": "https://evil.example/"}"#, #"{"member": "nobody", "text": "x"}"#,
                        #"{"member": "m10", "text": ""}"#] {
                #expect(try await call(app, .POST, "/api/v1/notices", leaderToken, json: bad).0 == .unprocessableEntity, "\(bad)")
            }
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/notices").body.visibleText.contains("今晚 8 点直播培训，记得参加"))
            let m3 = try await bind("manager", to: "oManager0000006", app)
            standIn.unfollow("oManager0000006")
            try await tell(m3, 1, app)
            let outcome = try await sender(app, standIn).run()
            #expect(outcome.sent == 1 && outcome.undeliverable == 1, "\(outcome)")
            #expect(standIn.received.last?.first == "今晚 8 点直播培训，记得参加" && standIn.received.last?.url == "https://jili.example.com/training")
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.get("/messages")
            #expect(page.status == .ok && page.body.visibleText.contains("已取消关注公众号 (43004)"), "\(page.body.visibleText.suffix(400))")
            #expect(page.body.visibleText.contains("已送达 1") || page.body.visibleText.contains("已送达"))
            #expect(try await agent.get("/messages").status == .forbidden)
        }
    }

    /// A batch that outran its lease: what another sender took back is not called by the first.
    @Test func aClaimTakenBackIsNotCalledByTheSenderThatLostIt() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000007", app)
            try await tell(m10, 3, app)
            let slow = sender(app, standIn)
            let (claimed, _, _, _) = try await slow.claim(3)
            let other = try await sender(app, standIn, at: testNow.addingTimeInterval(MessageSender.lease + 1)).run()
            #expect(other.sent == 3)
            var token: String?, outcome = MessageSender.Outcome()
            let accounts = try await slow.reachable(claimed)
            for m in claimed { try await slow.deliver(m, accounts: accounts, token: &token, outcome: &outcome) }
            #expect(outcome.sent == 0 && standIn.received.count == 3)
        }
    }

    /// WeChat cannot be reached (no connection made): nothing was sent, so the message waits.
    @Test func anUnreachableWeChatIsTriedAgainLater() async throws {
        try await withWeChat { app, standIn in
            try await OutboxMessage.query(on: app.db).set(\.$status, to: .sent).update()
            let m10 = try await bind("agent", to: "oAgent000000008", app)
            try await tell(m10, 2, app)
            var closed = standIn.config
            closed.apiBase = "http://127.0.0.1:1"
            let unreachable = MessageSender(db: app.db, clock: JiliClock(now: { testNow }), wechat: WeChatClient(config: closed, client: app.client),
                                            words: app.catalog.table("zh-CN"), linkBase: "https://jili.example.com")
            let outcome = try await unreachable.run()
            #expect(outcome.later == 2 && outcome.sent == 0, "\(outcome)")
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$status == .pending).count() == 2)
            #expect(try await sender(app, standIn, at: testNow.addingTimeInterval(61)).run().sent == 2)
        }
    }
}
