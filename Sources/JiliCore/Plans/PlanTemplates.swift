/// Plans to start from: a retail commission, a 级差 ladder, a monthly sales-champion prize, and the
/// complete standard plan of the demo team. Each is a valid plan in the contract's format, with the
/// four tiers of the default ladder, within the default depth limit of 2 (the standard plan: 3).
public enum PlanTemplates {
    public static let ids = ["retail", "ladder", "champion", "standard"]

    static let retail = #"{"id": "retail", "name": "零售提成", "type": "commission", "rates": {"vip": "0.05", "agent": "0.08", "general": "0.12", "director": "0.15"}}"#

    static func plan(id: String, name: String, rules: [String]) -> String {
        """
        {
          "id": "\(id)", "name": "\(name)",
          "currency": "CNY",
          "timezone": "Asia/Shanghai",
          "base": "amount",
          "tiers": [{"id": "vip", "name": "VIP", "nameEn": "VIP"}, {"id": "agent", "name": "代理", "nameEn": "Agent"}, {"id": "general", "name": "总代", "nameEn": "General agent"}, {"id": "director", "name": "董事", "nameEn": "Director"}],
          "compliance": {"profile": "distribution", "maxDepth": 2},
          "rules": [
            \(rules.joined(separator: ",\n    "))
          ]
        }

        """
    }

    public static func json(_ id: String) -> String? {
        switch id {
        case "retail":
            return plan(id: "retail", name: "零售提成", rules: [retail])
        case "ladder":
            // Four distinct rates could pay three uplines on one order: the ladder stays within the
            // depth limit by giving the two lowest tiers the same differential rate.
            return plan(id: "ladder", name: "级差方案", rules: [
                retail, #"{"id": "jicha", "name": "级差奖", "type": "differential", "rates": {"vip": "0.05", "agent": "0.05", "general": "0.10", "director": "0.15"}}"#,
            ])
        case "champion":
            return plan(id: "champion", name: "月度销售冠军", rules: [
                retail,
                #"{"id": "champion", "name": "月度销售冠军奖", "type": "rankBonus", "window": "month", "prizes": [{"rank": 1, "amount": "1000"}, {"rank": 2, "amount": "500"}, {"rank": 3, "amount": "300"}], "minimumVolume": "1000"}"#,
            ])
        case "standard":
            return DemoGenerator.planJSON
        default:
            return nil
        }
    }
}
