// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Jili",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "JiliCore", targets: ["JiliCore"]),
        .executable(name: "jili", targets: ["Jili"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Already under Vapor; named for the WeChat client's errors and for the tests, which call the stand-in as a browser would.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // /metrics in Prometheus text: Vapor reports requests through swift-metrics, Jili its jobs and messages.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure Swift, Foundation only: money, periods, the team tree, plans, the settlement engine.
        .target(name: "JiliCore"),
        // Vapor 4 + Fluent: the only place that knows HTTP and the database.
        .target(
            name: "JiliServer",
            dependencies: [
                "JiliCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                // Excel workbooks (.xlsx) are ZIP files: imports read them directly.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                // WeChat's API: Vapor's client is AsyncHTTPClient; its errors tell a connection never made from a call cut short.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "Jili",
            dependencies: [
                "JiliCore",
                "JiliServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The engine's tests build JiliCore alone (no Vapor).
        .testTarget(name: "JiliCoreTests", dependencies: ["JiliCore"]),
        // `jili` run as a user runs it: the built executable beside the tests.
        .testTarget(name: "JiliCommandLineTests", dependencies: ["Jili"]),
        .testTarget(
            name: "JiliServerTests",
            // Jili is listed so that the tests that kill a real process find the built `jili`.
            dependencies: [
                "JiliServer",
                "Jili",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
