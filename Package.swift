// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ShadowGate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shadowgate", targets: ["shadowgate"]),
        .library(name: "LMS", targets: ["LMS"]),
        .library(name: "ShadowKit", targets: ["ShadowKit"]),
        .library(name: "LMSShadow", targets: ["LMSShadow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "LMS", exclude: ["Legacy/QUIRKS.md"]),
        .target(
            name: "ShadowKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                "CLibCrypto",
            ]
        ),
        .target(name: "LMSShadow", dependencies: ["LMS", "ShadowKit"]),
        .target(
            name: "ShadowCommands",
            dependencies: [
                "ShadowKit", "LMS", "LMSShadow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "shadowgate", dependencies: ["ShadowCommands"]),
        .target(name: "ShadowTestSupport", dependencies: ["ShadowKit", "LMS", "LMSShadow"]),
        .testTarget(name: "LMSTests", dependencies: ["LMS"]),
        .testTarget(name: "ShadowKitTests", dependencies: ["ShadowKit", "LMS", "LMSShadow", "ShadowTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ShadowCommandsTests", dependencies: ["ShadowCommands", "ShadowKit", "LMS", "LMSShadow", "ShadowTestSupport"]),
    ]
)
