// swift-tools-version: 6.1
// Benchmarks for ShadowGate, kept out of the root package so that `swift build` there stays fast.
// Run with `make bench` from the repository root (see BENCHMARKS.md).
import PackageDescription

let package = Package(
    name: "ShadowGateBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ShadowGate", path: ".."),
        // Only the malloc interposer trait: the default "RuntimeInterposer" trait needs a package that is not
        // available on this project's machines.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The workloads, shared by the package-benchmark suite and the plain profiling driver.
        .target(
            name: "BenchmarkWorkloads",
            dependencies: [
                .product(name: "LMS", package: "ShadowGate"),
                .product(name: "ShadowKit", package: "ShadowGate"),
                .product(name: "LMSShadow", package: "ShadowGate"),
                .product(name: "ShadowWorker", package: "ShadowGate"),
                .product(name: "ShadowReport", package: "ShadowGate"),
            ]
        ),
        // package-benchmark finds suites as executable targets in `Benchmarks/<name>`.
        .executableTarget(
            name: "ShadowGateBenchmarks",
            dependencies: [
                "BenchmarkWorkloads",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LMS", package: "ShadowGate"),
                .product(name: "ShadowKit", package: "ShadowGate"),
                .product(name: "LMSShadow", package: "ShadowGate"),
                .product(name: "ShadowReport", package: "ShadowGate"),
            ],
            path: "Benchmarks/ShadowGateBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The same workloads without the malloc interposer, for valgrind and /usr/bin/time.
        .executableTarget(name: "shadowgate-profile",
                         dependencies: ["BenchmarkWorkloads", .product(name: "ShadowKit", package: "ShadowGate"),
                                        .product(name: "ShadowWorker", package: "ShadowGate")],
                          path: "Sources/ShadowGateProfile"),
    ]
)
