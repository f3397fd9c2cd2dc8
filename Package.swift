// swift-tools-version: 6.1
import PackageDescription

// The modules a run spends its time in (the reference LMS, the engine, the LMS as a subject) are optimised in
// debug builds too: the tests run their shadow runs in process, and optimised they take half the time (151 s
// against 84 s of `swift test` on 2 cores, BENCHMARKS.md), for a slower compile of these three. Release builds
// optimise everything anyway.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

// The engine is generic over its subject; with cross-module optimisation the modules that pick a subject
// (LMSShadow, ShadowCommands, the benchmarks) specialise the runner for it: a full shadow run takes about 15%
// less CPU (generic metadata lookups were a tenth of it), for about 10 s more of a fresh release build.
let engineSpecialisedInRelease: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

// The command-line layer and the rollout code (flags, .env, plan, ledger) are not optimised in release builds: no
// command spends its time there, and at `-O` the CLI was the last 25 s of a fresh build of the tool, after
// everything else (BENCHMARKS.md). The runner is still specialised for the built-in subject, in LMSShadow, through
// ``ShadowSubject/compareAll(_:with:sink:progress:)``. Reports stay optimised: unoptimised, `shadowgate report`
// took 5.7 s instead of 2.3 s (it scans the scenario files byte by byte for context lines).
let notOptimisedInRelease: [SwiftSetting] = [.unsafeFlags(["-Onone"], .when(configuration: .release))]

let package = Package(
    name: "ShadowGate",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shadowgate", targets: ["shadowgate"]),
        .library(name: "LMS", targets: ["LMS"]),
        .library(name: "ShadowKit", targets: ["ShadowKit"]),
        .library(name: "ShadowRollout", targets: ["ShadowRollout"]),
        .library(name: "ShadowReport", targets: ["ShadowReport"]),
        .library(name: "ShadowWorker", targets: ["ShadowWorker"]),
        .library(name: "LMSShadow", targets: ["LMSShadow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibCrypto", providers: [.apt(["libssl-dev"])]),
        // The reference domain: legacy and modern LMS, the traffic generator. Knows no engine.
        // SplitMix64, shared by the LMS generator and the engine's bootstrap generator.
        .target(name: "SplitMix"),
        .target(name: "LMS", dependencies: ["SplitMix"], exclude: ["Legacy/QUIRKS.md"], swiftSettings: optimisedInDebug),
        // The engine: scenario I/O, subjects, runner, comparator, store, statistics, gate.
        .target(
            name: "ShadowKit",
            dependencies: [
                "SplitMix",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: optimisedInDebug + engineSpecialisedInRelease
        ),
        // Feature flags, .env, rollout plan, ledger, monitor.
        .target(
            name: "ShadowRollout",
            dependencies: [
                "ShadowKit", "CLibCrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: notOptimisedInRelease
        ),
        // Reports (HTML, Markdown, JUnit, JSON) and shrinking.
        .target(
            name: "ShadowReport",
            dependencies: [
                "ShadowKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Templates")]
        ),
        // External subjects: worker processes speaking the JSON Lines protocol of docs/protocol.md.
        .target(name: "ShadowWorker", dependencies: ["ShadowKit"]),
        // The LMS plugged into the engine as a subject.
        .target(name: "LMSShadow", dependencies: ["LMS", "ShadowKit"], swiftSettings: optimisedInDebug),
        .target(
            name: "ShadowCommands",
            dependencies: [
                "ShadowKit", "ShadowRollout", "ShadowReport", "ShadowWorker", "LMS", "LMSShadow",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: notOptimisedInRelease
        ),
        .executableTarget(name: "shadowgate", dependencies: ["ShadowCommands"]),
        .target(name: "ShadowTestSupport", dependencies: ["ShadowKit", "LMS", "LMSShadow"]),
        .testTarget(name: "SplitMixTests", dependencies: ["SplitMix"]),
        .testTarget(name: "LMSTests", dependencies: ["LMS"]),
        .testTarget(name: "ShadowKitTests", dependencies: ["ShadowKit", "LMS", "LMSShadow", "ShadowTestSupport", "ShadowReport",
                                                      .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "Histogram", package: "hdrhistogram-swift")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ShadowRolloutTests", dependencies: ["ShadowRollout", "ShadowKit", "LMS", "ShadowTestSupport",
                                                          .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ShadowReportTests", dependencies: ["ShadowReport", "ShadowKit", "LMS", "LMSShadow", "ShadowTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "ShadowWorkerTests", dependencies: ["ShadowWorker", "ShadowKit", "LMS", "LMSShadow", "ShadowTestSupport"],
                    exclude: ["Workers"]),
        .testTarget(name: "LMSShadowTests", dependencies: ["LMSShadow", "LMS", "ShadowKit", "ShadowTestSupport"]),
        .testTarget(name: "ShadowCommandsTests", dependencies: ["ShadowCommands", "ShadowKit", "ShadowRollout", "ShadowReport", "LMS", "LMSShadow", "ShadowTestSupport",
                                                          .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)
