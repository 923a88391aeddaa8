import Benchmark
import Foundation
import JiliCore

/// Demo files at a scale, generated once into the temporary folder and reused between runs.
func demoFolder(members: Int, orders: Int) -> String {
    let folder = NSTemporaryDirectory() + "jili-bench-\(members)-\(orders)"
    if !FileManager.default.fileExists(atPath: folder + "/goals.csv") {
        let generator = DemoGenerator(members: members, orders: orders, months: 3,
                                      lastPeriod: Period(parsing: "2026-11")!, seed: 2026)
        try! generator.write(to: folder)
    }
    return folder
}

func files(_ folder: String) -> SettlementFiles {
    SettlementFiles(plan: folder + "/plan.json", members: folder + "/members.csv", orders: folder + "/orders.csv",
                    refunds: folder + "/refunds.csv", goals: folder + "/goals.csv")
}

/// `jili settle` end to end: read and check the CSV files, settle, write the result JSON.
func settleEndToEnd(_ folder: String) {
    let (plan, input) = try! files(folder).load().get()
    let result = try! SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-11")!)
    try! Data(result.jsonBytes()).write(to: URL(fileURLWithPath: folder + "/result.json"))
    blackHole(result.total)
}

let november = Period(parsing: "2026-11")!

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .peakMemoryResident]

    Benchmark("settle end to end, 100k members, 1M orders",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds, maxDuration: .seconds(30), maxIterations: 10),
              closure: { benchmark, folder in
                  for _ in benchmark.scaledIterations { settleEndToEnd(folder) }
              },
              setup: { demoFolder(members: 100_000, orders: 1_000_000) })

    Benchmark("engine alone, 100k members, 1M orders",
              configuration: .init(metrics: metrics, timeUnits: .milliseconds, maxDuration: .seconds(30), maxIterations: 20),
              closure: { benchmark, loaded in
                  for _ in benchmark.scaledIterations {
                      blackHole(try! SettlementEngine(plan: loaded.0, input: loaded.1).settle(period: november).total)
                  }
              },
              setup: { try! files(demoFolder(members: 100_000, orders: 1_000_000)).load().get() })

    // The large run takes about a minute with its data generation: opt in with JILI_BENCH_LARGE=1.
    let large = ProcessInfo.processInfo.environment["JILI_BENCH_LARGE"] != nil
    Benchmark("settle end to end, 1M members, 10M orders",
              configuration: .init(metrics: metrics, timeUnits: .seconds, maxDuration: .seconds(120), maxIterations: 3, skip: !large),
              closure: { benchmark, folder in
                  for _ in benchmark.scaledIterations { settleEndToEnd(folder) }
              },
              setup: { demoFolder(members: 1_000_000, orders: 10_000_000) })
}
