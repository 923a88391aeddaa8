import Fluent
import Foundation

/// What motivates a member, as they answered the questionnaire (each motive from 1 to 5).
struct MotivationService {
    let db: any Database
    let clock: JiliClock

    /// Keeps a member's scores (one of 1–5 for each of `MotivationProfile.motives`), replacing earlier ones.
    func save(_ member: Member, scores values: [String: Int]) async throws {
        precondition(MotivationProfile.motives.allSatisfy { (1...5).contains(values[$0] ?? 0) }, "scores are checked where they are read")
        let profile = try await RecognitionQueries(db: db).motivation(of: member) ?? MotivationProfile()
        profile.$member.id = member.id!
        profile.income = values["income"]!
        profile.recognition = values["recognition"]!
        profile.growth = values["growth"]!
        profile.time = values["time"]!
        profile.family = values["family"]!
        profile.updatedAt = clock.now()
        try await profile.save(on: db)
    }
}
