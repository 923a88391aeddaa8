import ArgumentParser
import Foundation
import JiliCore

/// `jili plan check`: validation and compliance report.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Work with plan files.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a plan and report on its compliance; exit 1 when the plan is refused.")

        @Argument(help: "The plan (JSON).") var path: String

        func run() throws {
            let name = (path as NSString).lastPathComponent
            let plan: Plan
            switch SettlementFiles.loadPlan(path) {
            case .success(let p): plan = p
            case .failure(let problems):
                throw Failure(lines: ["\(name): REFUSED — the plan is not valid:"] + problems.messages.map { "  " + $0 }, status: 1)
            }
            let report = ComplianceReport(plan: plan)
            print(PlanReport.text(plan: plan, report: report, file: name))
            if report.refused { throw ExitCode(1) }
        }
    }
}

enum PlanReport {
    static func text(plan: Plan, report: ComplianceReport, file: String) -> String {
        var out: [String] = []
        out.append("\(file): plan \"\(plan.id)\" (\(plan.name)), \(plan.currency), time zone \(plan.timeZone.identifier), base \(plan.base.rawValue)")
        out.append("tiers (lowest first): " + plan.tiers.map { "\($0.id) (\($0.name))" }.joined(separator: " < "))
        if let cap = plan.capPerMember { out.append("cap per member: \(cap)") }
        out.append("compliance: profile \(report.settings.profile.rawValue), maxDepth \(report.settings.maxDepth)")
        out.append("rules:")
        for (rule, paid) in zip(plan.rules, report.uplinesPaid) {
            let scope = rule.categories.map { " — categories " + $0.sorted().joined(separator: ", ") } ?? ""
            let uplines = rule.kind.paysUplines ? " — pays up to \(paid.count) upline\(paid.count == 1 ? "" : "s") per order" : " — pays the seller only"
            out.append("  \(rule.id): \(rule.kind.typeName)\(uplines)\(scope)")
        }
        if report.findings.isEmpty { out.append("no findings") }
        for f in report.refusals { out.append(f.description) }
        for f in report.warnings { out.append(f.description) }
        out.append(report.refused ? "result: REFUSED — this plan cannot be settled" : "result: accepted")
        return out.joined(separator: "\n")
    }
}
