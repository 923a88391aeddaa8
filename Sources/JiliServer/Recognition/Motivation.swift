import Fluent
import Foundation

/// What motivates a member (个性化激励), in their own words: how much income, recognition, growth, time
/// and family count for them, each 1 (little) to 5 (a lot).
final class MotivationProfile: Model, @unchecked Sendable {
    static let schema = "motivation_profiles"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "income") var income: Int
    @Field(key: "recognition") var recognition: Int
    @Field(key: "growth") var growth: Int
    @Field(key: "time") var time: Int
    @Field(key: "family") var family: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static let motives = ["income", "recognition", "growth", "time", "family"]

    func score(_ motive: String) -> Int {
        switch motive {
        case "income": income
        case "recognition": recognition
        case "growth": growth
        case "time": time
        case "family": family
        default: 0
        }
    }

    /// The motives, most important first (ties in the questionnaire's order).
    var ranked: [(motive: String, score: Int)] {
        Self.motives.enumerated().map { ($0.element, score($0.element), $0.offset) }.sorted { ($1.1, $0.2) < ($0.1, $1.2) }.map { ($0.0, $0.1) }
    }

    /// What a kind of reward speaks to: cash and products to income, prizes to recognition,
    /// privileges to growth, leave to time and family.
    func score(ofRewardKind kind: String) -> Int {
        switch kind {
        case "cash", "product": income
        case "prize": recognition
        case "privilege": growth
        case "leave": max(time, family)
        default: 0
        }
    }
}
