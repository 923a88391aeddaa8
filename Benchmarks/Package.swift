// swift-tools-version:6.1
// Benchmarks for Jili, kept out of the main package so that its build and tests do not need
// ordo-one/benchmark. Run from this folder: `swift package benchmark` (see docs/benchmarks.md).
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, whatever the clone is called.
let jili = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

let package = Package(
    name: "JiliBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Settlement",
            dependencies: [
                .product(name: "JiliCore", package: jili),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Settlement",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
