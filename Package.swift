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
    ],
    targets: [
        // Pure Swift, Foundation only: money, periods, the team tree, plans, the settlement engine.
        .target(name: "JiliCore"),
        .executableTarget(
            name: "Jili",
            dependencies: [
                "JiliCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "JiliCoreTests",
            // Jili is listed so that the command-line tests find the built `jili` beside the tests.
            dependencies: ["JiliCore", "Jili"]
        ),
    ]
)
