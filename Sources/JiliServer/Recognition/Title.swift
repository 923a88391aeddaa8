import Fluent
import Foundation

/// An honor title (荣誉称号) the leader defines: its icon, how it is given — by hand (最佳团队成员), or by
/// a rule the daily job applies (进步之星: the largest growth of personal sales over the month before,
/// with a least volume; a sales milestone) — and the privilege it carries for some days.
final class Title: Model, @unchecked Sendable {
    static let schema = "titles"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "icon") var icon: String
    /// `manual`, `progress_star` or `milestone`.
    @Field(key: "rule") var rule: String
    /// In fen: the least month's sales for 进步之星, the total sales for a milestone.
    @Field(key: "threshold") var threshold: Int64
    /// What holding it gives (优先参加培训…); empty for none.
    @Field(key: "privilege") var privilege: String
    /// How long the privilege lasts after the title is given (0: as long as it is held).
    @Field(key: "privilege_days") var privilegeDays: Int
    /// The privilege seats its holder first at training sessions while it lasts.
    @Field(key: "training_priority") var trainingPriority: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
