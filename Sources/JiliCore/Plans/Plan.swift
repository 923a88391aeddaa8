import Foundation

/// An incentive plan: its tiers (lowest first), the base orders are counted on, and its rules.
/// Build one with ``PlanDecoder``; a decoded plan has passed every structural check.
public struct Plan: Sendable {
    public var id: String
    public var name: String
    public var currency: String
    public var timeZone: TimeZone
    public var base: BaseKind
    public var tiers: [Tier]
    public var capPerMember: Money?
    public var compliance: ComplianceSettings
    public var rules: [Rule]

    /// The index of a tier id in `tiers` (0 is the lowest), or nil.
    public func tierIndex(_ id: String) -> Int? { tiers.firstIndex { $0.id == id } }
}

public struct Tier: Hashable, Sendable {
    public var id: String
    public var name: String
    /// The tier's name in English (`nameEn` in the plan), for the English explanations; optional.
    public var nameEn: String?

    public init(id: String, name: String, nameEn: String? = nil) {
        self.id = id
        self.name = name
        self.nameEn = nameEn
    }

    /// What English explanations call the tier: its English name, else its name.
    public var englishName: String { nameEn ?? name }
}

/// What an order's base is: its net amount, or its net amount minus its net cost.
public enum BaseKind: String, Sendable {
    case amount, margin
}

/// The compliance profile a plan declares (see spec: Compliance).
public struct ComplianceSettings: Sendable, Equatable {
    public enum Profile: String, Sendable { case distribution, directSelling }
    public var profile: Profile = .distribution
    /// How many uplines one order may pay through one rule.
    public var maxDepth: Int = 2
}

/// One rule of a plan. `categories`, when set, limits the rule to orders in those categories.
public struct Rule: Sendable {
    public var id: String
    /// What people call the rule (`级差奖`), when the plan names it; statements fall back to its type's name.
    public var name: String?
    public var categories: Set<String>?
    public var kind: RuleKind

    public init(id: String, name: String? = nil, categories: Set<String>? = nil, kind: RuleKind) {
        self.id = id
        self.name = name
        self.categories = categories
        self.kind = kind
    }
}

public enum RuleKind: Sendable {
    case commission(CommissionRule)
    case tiered(TieredRule)
    case differential(DifferentialRule)
    case sameLevel(SameLevelRule)
    case override(OverrideRule)
    case goalBonus(GoalBonusRule)
    case rankBonus(RankBonusRule)

    /// The type name used in plan files.
    public var typeName: String {
        switch self {
        case .commission: return "commission"
        case .tiered: return "tiered"
        case .differential: return "differential"
        case .sameLevel: return "sameLevel"
        case .override: return "override"
        case .goalBonus: return "goalBonus"
        case .rankBonus: return "rankBonus"
        }
    }

    /// Whether the rule pays members other than the seller (团队计酬 risk).
    public var paysUplines: Bool {
        switch self {
        case .differential, .sameLevel, .override: return true
        default: return false
        }
    }

    /// Prizes are final: restatements keep what the month's own settlement gave them.
    public var isPrize: Bool {
        switch self {
        case .goalBonus, .rankBonus: return true
        default: return false
        }
    }
}

/// Rates by tier index; a tier left out of the plan's map has rate 0.
public struct TierRates: Sendable, Equatable {
    public var byTier: [Rate]
    public init(byTier: [Rate]) { self.byTier = byTier }
    @inlinable public subscript(tier: Int) -> Rate { byTier[tier] }
    public var maximum: Rate { byTier.max() ?? .zero }
}
