import Fluent
import SQLKit
import Vapor

/// Which members someone may see. One place decides it for every page and endpoint.
enum MemberScope: Equatable, Sendable {
    /// Everyone.
    case all
    /// The members of one department.
    case department(Int)
    /// A member and everyone below them (`path` is the member's materialised path).
    case subtree(path: String)
    /// A member and a summary of their downline: names, tiers and volumes, not contact details.
    case selfAndDownlineSummary(path: String)

    /// Whether a member is in the scope.
    func contains(_ member: Member) -> Bool {
        switch self {
        case .all: return true
        case .department(let id): return member.$department.id == id
        case .subtree(let path), .selfAndDownlineSummary(let path): return member.path.hasPrefix(path)
        }
    }

    /// Whether contact details (phone) of `member` may be shown.
    func showsContact(of member: Member, viewer: Member?) -> Bool {
        switch self {
        case .selfAndDownlineSummary: return member.id == viewer?.id
        default: return contains(member)
        }
    }

    /// Limits a member query to the scope.
    func apply(to query: QueryBuilder<Member>) -> QueryBuilder<Member> {
        switch self {
        case .all: return query
        case .department(let id): return query.filter(\.$department.$id == id)
        case .subtree(let path), .selfAndDownlineSummary(let path): return query.filter(\.$path =~ path)
        }
    }

    /// Limits a query of another model joined with its members (`join(Member.self, …)`) to the scope.
    func apply<M: Model>(joined query: QueryBuilder<M>) -> QueryBuilder<M> {
        switch self {
        case .all: return query
        case .department(let id): return query.filter(Member.self, \.$department.$id == id)
        case .subtree(let path), .selfAndDownlineSummary(let path): return query.filter(Member.self, \.$path =~ path)
        }
    }

    /// The scope as an SQL condition on the members table (or its alias) of an SQLKit query; nil for
    /// everyone. The one scope → SQL rule: every read that is limited to a scope goes through it.
    func condition(members table: String = "members") -> (any SQLExpression)? {
        switch self {
        case .all: return nil
        case .department(let id): return SQLBinaryExpression(SQLColumn("department_id", table: table), .equal, SQLBind(id))
        case .subtree(let path), .selfAndDownlineSummary(let path):
            return SQLBinaryExpression(SQLColumn("path", table: table), .like, SQLBind(path + "%"))
        }
    }
}

extension SQLSelectBuilder {
    /// Only the rows whose member (the members table, or its alias) is in `scope`.
    func within(_ scope: MemberScope, members table: String = "members") -> Self {
        guard let condition = scope.condition(members: table) else { return self }
        return self.where(condition)
    }
}

enum Permissions {
    /// The members an account may see, or nil when it may see none (warehouse).
    static func memberScope(_ account: Account, member: Member?) -> MemberScope? {
        switch account.roleValue {
        case .leader, .director, .finance, .customerService, .trainer:
            return .all
        case .departmentManager:
            if let d = account.$department.id { return .department(d) }
            return member.map { .subtree(path: $0.path) }
        case .salesManager:
            return member.map { .subtree(path: $0.path) }
        case .agent:
            return member.map { .selfAndDownlineSummary(path: $0.path) }
        case .warehouse:
            return nil
        }
    }

    /// Who decides for a team (promotions, study claims' first step, event applications): the leader,
    /// the operations director and managers.
    static func decidesForTeam(_ role: Role) -> Bool { [.leader, .director, .salesManager, .departmentManager].contains(role) }

    /// Whether `account` may decide something about `member`: the leader and the operations director
    /// for everyone, a manager for their scope but never about themselves.
    static func mayDecide(_ account: Account, me: Member?, about member: Member) -> Bool {
        switch account.roleValue {
        case .leader, .director: return true
        case .salesManager, .departmentManager:
            return member.id != me?.id && (memberScope(account, member: me)?.contains(member) ?? false)
        default: return false
        }
    }
}

extension Permissions {
    /// The orders someone may see: those of the members in their scope; warehouse, finance and
    /// customer service see all orders (they ship, pay and answer for them).
    static func orderScope(_ account: Account, member: Member?) -> MemberScope? {
        switch account.roleValue {
        case .warehouse, .finance, .customerService: return .all
        default: return memberScope(account, member: member)
        }
    }
}

extension Permissions {
    /// The member named by `?member=` (the account's own member by default) when `account` may read
    /// their pay and points; 404 otherwise, so that a member outside one's scope does not exist.
    static func payMember(_ req: Request, account: Account) async throws -> (member: Member, me: Member?) {
        let me = try await req.member(of: account)
        let code = req.query[String.self, at: "member"] ?? me?.code ?? ""
        // One's own (the usual case) is the member already read.
        let asked = code == me?.code ? me : try await Member.query(on: req.db).filter(\.$code == code).first()
        guard let member = asked,
              PayPermissions.mayReadPay(account, me: me, of: member) else { throw Abort(.notFound) }
        return (member, me)
    }
}
