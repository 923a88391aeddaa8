import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// The praise wall: posts, photos, reactions, comments, moderation, pins and Jili's own posts.
@Suite struct WallTests {
    /// A 1×1 PNG.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52,
                               0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 0x49, 0x44, 0x41, 0x54,
                               0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]

    /// Posts the wall's form as a browser does.
    static func upload(_ v: Visitor, _ fields: [String: String], photo: (name: String, type: String, bytes: [UInt8])?) async throws -> Visitor.Page {
        var visitor = v
        return try await visitor.upload("/wall", fields, file: photo.map { ("photo", $0.name, $0.type, $0.bytes) }, from: "/wall")
    }

    @Test func photosAreKnownByTheirFirstBytesAndNamedUnguessably() {
        #expect(Uploads.kind(of: Self.png) == .png)
        #expect(Uploads.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpg)
        #expect(Uploads.kind(of: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(Uploads.kind(of: Array("<svg onload=alert(1)>".utf8)) == nil)
        #expect(Uploads.kind(of: Array("GIF89a".utf8)) == nil)
        #expect(Uploads.kind(of: Array("%PDF-1.7".utf8)) == .pdf)
        #expect(Uploads.isName("0123456789abcdef0123456789abcdef.png"))
        #expect(!Uploads.isName("../0123456789abcdef0123456789abcdef.png"))
        #expect(!Uploads.isName("0123456789ABCDEF0123456789abcdef.png"))
        #expect(!Uploads.isName("0123456789abcdef0123456789abcdef.svg"))
        #expect(!Uploads.isName("jili.sqlite"))
    }

    @Test func praiseWithAPhotoIsPostedShownAndToldToThePraisedMember() async throws {
        try await withTestApp { app in
            let manager = try await Visitor.signedIn(app, "manager")
            let page = try await Self.upload(manager, ["kind": "praise", "member": "m10", "text": "客户回访做得好！\n继续加油"],
                                             photo: ("客户.png", "image/png", Self.png))
            #expect(page.status == .seeOther)
            let post = try #require(try await WallPost.query(on: app.db).filter(\.$text == "客户回访做得好！\n继续加油").first())
            #expect(page.location == "/wall#p\(post.id!)")
            let name = try #require(post.photo)
            #expect(Uploads.isName(name) && name.hasSuffix(".png"))
            #expect(FileManager.default.contents(atPath: app.jiliConfig.files + "/wall/" + name) == Data(Self.png))

            var agent = try await Visitor.signedIn(app, "agent")
            let wall = try await agent.get("/wall")
            #expect(wall.body.contains("src=\"/wall/photos/\(name)\""))
            #expect(wall.body.visibleText.contains("表扬： 王") || wall.body.visibleText.contains("(m10)"))
            let photo = try await agent.get("/wall/photos/\(name)")
            #expect(photo.status == .ok && photo.headers.contentType?.description == "image/png")
            #expect(photo.headers.first(name: .cacheControl) == "private, max-age=86400")
            // The praised member is told, once.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let notice = try #require(try await Notice.query(on: app.db).filter(\.$event == "praise:\(post.id!)").first())
            #expect(notice.$member.id == m10.id && notice.link == "/wall#p\(post.id!)")
            #expect(try await agent.get("/notices").body.visibleText.contains("在表扬墙上表扬了您"))
            // Not signed in: no photo.
            var anonymous = Visitor(app)
            #expect(try await anonymous.get("/wall/photos/\(name)").status == .seeOther)
        }
    }

    @Test func badPostsAreRefusedWithAClearMessageAndNothingIsKept() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let before = try await WallPost.query(on: app.db).count()
            let files = app.jiliConfig.files + "/wall"
            let cases: [([String: String], (String, String, [UInt8])?, String)] = [
                (["kind": "praise", "member": "", "text": "好"], nil, "表扬需要填写被表扬成员的编号。"),
                (["kind": "praise", "member": "m99999", "text": "好"], nil, "找不到编号为 m99999 的成员。"),
                (["kind": "praise", "member": "m10", "text": "  \n "], nil, "请填写内容。"),
                (["kind": "praise", "member": "m10", "text": String(repeating: "好", count: 1001)], nil, "内容不能超过 1000 个字。"),
                (["kind": "announcement", "member": "m10", "text": "好"], nil, "类型只能是表扬或榜样故事。"),
                (["kind": "praise", "member": "m10", "text": "好"], ("x.png", "image/png", Array("<svg onload=alert(1)>".utf8)), "照片只能是 JPEG、PNG 或 WebP 图片。"),
                // A PDF is a file receipts and lessons take, not a wall photo.
                (["kind": "praise", "member": "m10", "text": "好"], ("x.png", "image/png", Array("%PDF-1.7 x".utf8)), "照片只能是 JPEG、PNG 或 WebP 图片。"),
                (["kind": "praise", "member": "m10", "text": "好"], ("big.png", "image/png", Self.png + [UInt8](repeating: 0, count: Uploads.photoBytes)), "照片不能超过 5 MB。"),
                // A photo that is fine, on a post that is not: the photo is not kept either.
                (["kind": "praise", "member": "m99999", "text": "好"], ("ok.png", "image/png", Self.png), "找不到编号为 m99999 的成员。"),
            ]
            agent.sendsReferer = true
            for (fields, photo, message) in cases {
                let refused = try await Self.upload(agent, fields, photo: photo)
                #expect(refused.status == .seeOther && refused.location == "/wall", "\(message)")
                let page = try await agent.get("/wall")
                #expect(page.body.visibleText.contains(message), "\(message)")
                // What was typed comes back to the form (the photo cannot).
                #expect(page.keptValues == fields, "\(message)")
            }
            #expect(try await WallPost.query(on: app.db).count() == before)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: files)) ?? []).isEmpty)
        }
    }

    @Test func reactionsToggleAndCommentsShow() async throws {
        try await withTestApp { app in
            let praise = try #require(try await WallPost.query(on: app.db).filter(\.$kind == .praise).first())
            var agent = try await Visitor.signedIn(app, "agent")
            func count(_ kind: String) async throws -> Int {
                try await WallReaction.query(on: app.db).filter(\.$post.$id == praise.id!).filter(\.$kind == WallReaction.Kind(rawValue: kind)!).count()
            }
            let likes = try await count("like")
            #expect(try await agent.post("/wall/\(praise.id!)/react", ["kind": "like"], from: "/wall").location == "/wall#p\(praise.id!)")
            #expect(try await count("like") == likes + 1)
            #expect(try await agent.get("/wall").body.contains("aria-pressed=\"true\">赞 \(likes + 1)</button>"))
            _ = try await agent.post("/wall/\(praise.id!)/react", ["kind": "like"], from: "/wall")
            #expect(try await count("like") == likes)
            #expect(try await agent.post("/wall/\(praise.id!)/react", ["kind": "dislike"], from: "/wall").body.visibleText.contains("没有这种回应。"))

            #expect(try await agent.post("/wall/\(praise.id!)/comments", ["text": "  "], from: "/wall").status == .unprocessableEntity)
            #expect(try await agent.post("/wall/\(praise.id!)/comments", ["text": "<b>谢谢大家</b>"], from: "/wall").status == .seeOther)
            let wall = try await agent.get("/wall").body
            #expect(wall.contains("&lt;b&gt;谢谢大家&lt;/b&gt;") && !wall.contains("<b>谢谢大家</b>"))
        }
    }

    @Test func moderatorsHideWithAReasonInTheAuditLogAndShowAgain() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            var manager = try await Visitor.signedIn(app, "manager")
            _ = try await agent.post("/wall", ["kind": "story", "member": "", "text": "加我微信买便宜货"], from: "/wall")
            let post = try #require(try await WallPost.query(on: app.db).filter(\.$text == "加我微信买便宜货").first())
            #expect(try await agent.post("/wall/\(post.id!)/hide", ["reason": "广告"], from: "/wall").status == .forbidden)
            let noReason = try await manager.post("/wall/\(post.id!)/hide", ["reason": " "], from: "/wall")
            #expect(noReason.status == .unprocessableEntity && noReason.body.visibleText.contains("请填写隐藏的原因"))
            #expect(try await manager.post("/wall/\(post.id!)/hide", ["reason": "广告"], from: "/wall").status == .seeOther)
            // Gone for members (and its comments closed), shown to moderators with who, when and why.
            #expect(!(try await agent.get("/wall").body.contains("加我微信买便宜货")))
            #expect(try await agent.post("/wall/\(post.id!)/comments", ["text": "?"], from: "/wall").status == .notFound)
            let seen = try await manager.get("/wall").body.visibleText
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            #expect(seen.contains("加我微信买便宜货") && seen.contains("已由 \(m3.name) 于 2026-11-29 12:00 隐藏：广告"))
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "wall_post").filter(\.$action == "hide").first())
            #expect(entry.actor == "manager" && entry.entityID == "\(post.id!)" && entry.after?.contains("广告") == true)
            // Shown again, audited too.
            #expect(try await manager.post("/wall/\(post.id!)/restore", [:], from: "/wall").status == .seeOther)
            #expect(try await agent.get("/wall").body.contains("加我微信买便宜货"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "wall_post").filter(\.$action == "restore").count() == 1)

            // A comment hidden: the others no longer read it.
            _ = try await agent.post("/wall/\(post.id!)/comments", ["text": "私聊我"], from: "/wall")
            let comment = try #require(try await WallComment.query(on: app.db).filter(\.$text == "私聊我").first())
            #expect(try await manager.post("/wall/comments/\(comment.id!)/hide", ["reason": "私下交易"], from: "/wall").status == .seeOther)
            #expect(!(try await agent.get("/wall").body.contains("私聊我")))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "wall_comment").filter(\.$action == "hide").count() == 1)
        }
    }

    @Test func aHiddenPostsPhotoIsForModeratorsOnly() async throws {
        try await withTestApp { app in
            let agent = try await Visitor.signedIn(app, "agent")
            _ = try await Self.upload(agent, ["kind": "story", "member": "", "text": "我的第一单"], photo: ("a.png", "image/png", Self.png))
            let post = try #require(try await WallPost.query(on: app.db).filter(\.$text == "我的第一单").first())
            let name = try #require(post.photo)
            try await PraiseWall(db: app.db, clock: app.jiliClock, files: app.jiliConfig.files).hide(post, reason: "重复", by: .system)
            var viewer = agent
            #expect(try await viewer.get("/wall/photos/\(name)").status == .notFound)
            var director = try await Visitor.signedIn(app, "director")
            #expect(try await director.get("/wall/photos/\(name)").status == .ok)
        }
    }

    @Test func theLeaderPinsAStoryOnTop() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            _ = try await leader.post("/wall", ["kind": "story", "member": "", "text": "第二个故事"], from: "/wall")
            let post = try #require(try await WallPost.query(on: app.db).filter(\.$text == "第二个故事").first())
            var body = try await leader.get("/wall").body
            let demoStory = try #require(body.range(of: "我是怎样带出第一支团队的"))
            #expect(body.range(of: "第二个故事")!.lowerBound > demoStory.lowerBound) // the pinned demo story is first
            #expect(try await leader.post("/wall/\(post.id!)/pin", [:], from: "/wall").status == .seeOther)
            body = try await leader.get("/wall").body
            #expect(body.range(of: "第二个故事")!.lowerBound < body.range(of: "我是怎样带出第一支团队的")!.lowerBound)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "wall_post").filter(\.$action == "pin").count() == 2)
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post("/wall/\(post.id!)/unpin", [:], from: "/wall").status == .forbidden)
        }
    }

    @Test func jiliPostsContestResultsTitlesChampionsAndPromotionsOnce() async throws {
        try await withTestApp { app in
            // The demo's titles and champions are on the wall already.
            let kinds = Set(try await WallPost.query(on: app.db).all().map(\.kind))
            #expect(kinds.isSuperset(of: [.title, .champion, .story, .praise]))
            let title = try #require(try await WallPost.query(on: app.db).filter(\.$kind == .title).filter(\.$message == "wall_title_given").first())
            #expect(title.event?.hasPrefix("title:") == true && title.$member.id != nil)
            // Last month's department contest freezes on its first look, and says so on the wall, once.
            let contest = try #require(try await Contest.query(on: app.db).filter(\.$kind == "department").first())
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.get("/contests/\(contest.id!)")
            await app.leaderboards.forget(contest.id!)
            _ = try await agent.get("/contests/\(contest.id!)")
            let results = try await WallPost.query(on: app.db).filter(\.$event == "contest:\(contest.id!)").all()
            #expect(results.count == 1)
            let standings = try await ContestService(db: app.db, clock: app.jiliClock).standings(contest)
            let wall = try await agent.get("/wall").body.visibleText
            #expect(wall.contains("“\(contest.name)”结果揭晓：1. \(standings[0].label)"))
            let champions = try #require(try await WallPost.query(on: app.db).filter(\.$kind == .champion).first())
            #expect(wall.contains("月度销售冠军") && champions.link == "/champions")
            agent.language = "en"
            #expect(try await agent.get("/wall").body.visibleText.contains("\"\(contest.name)\" results: 1. \(standings[0].label)"))

            // A promotion is posted; a demotion is not.
            let members = MemberService(db: app.db, clock: app.jiliClock)
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let sponsor = try await m10.$sponsor.get(on: app.db)?.code
            func changes(_ tier: String) -> MemberService.Changes {
                .init(name: m10.name, phone: m10.phone, sponsorCode: sponsor, tier: tier, status: m10.status, departmentID: m10.$department.id, positionID: m10.$position.id)
            }
            let upper = Tiers.ids[Tiers.ids.firstIndex(of: m10.tier)! + 1]
            try await members.update(m10, changes(upper), by: .system)
            try await members.update(m10, changes(Tiers.ids[0]), by: .system)
            let promotions = try await WallPost.query(on: app.db).filter(\.$kind == .promotion).all()
            #expect(promotions.count == 1 && promotions[0].$member.id == m10.id)
            agent.language = "zh-CN"
            #expect(try await agent.get("/wall").body.visibleText.contains("恭喜 \(m10.name) (m10) 晋升为 \(app.catalog.table("zh-CN")["tier_\(upper)"]!)！"))
        }
    }
}
