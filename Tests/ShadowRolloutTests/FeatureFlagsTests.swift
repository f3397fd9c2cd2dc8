import Foundation
import Testing
@testable import ShadowRollout
import ShadowKit

@Suite struct FeatureFlagsTests {

    // MARK: Murmur3

    /// Expected values computed with Python's `mmh3` 5.x (`mmh3.hash(bytes, seed, signed=False)`),
    /// an independent C implementation; they cover every tail length (0-3 bytes) and non-ASCII input.
    @Test(arguments: [
        ("", UInt32(0), UInt32(0)),
        ("", 1, 0x514e_28b7),
        ("", 0x9747_b28c, 0xebb6_c228),
        ("a", 0, 0x3c25_69b2),
        ("ab", 0, 0x9bbf_d75f),
        ("abc", 0, 0xb3dd_93fa),
        ("abcd", 0, 0x43ed_676a),
        ("hello", 0, 0x248b_fa47),
        ("hello", 1, 0xbb4a_bcad),
        ("The quick brown fox jumps over the lazy dog", 0, 0x2e4f_f723),
        ("The quick brown fox jumps over the lazy dog", 0x9747_b28c, 0x2fa8_26cd),
        ("enrollment_service:42", 0, 0x1eb2_041a),
        ("enrollment_service:42", 42, 0x5252_13fc),
        (String(repeating: "a", count: 33), 0, 0xc31a_f705),
        ("héllo wörld €", 0, 0x1b76_f25c),
        ("0123456789abcdef", 42, 0x98e9_8b73),
    ])
    func murmur3MatchesReferenceVectors(input: String, seed: UInt32, expected: UInt32) {
        #expect(Murmur3.x86_32(Array(input.utf8), seed: seed) == expected)
        #expect(Murmur3.x86_32(input, seed: seed) == expected)
    }

    @Test func murmur3BucketsMatchUnleashFormula() {
        // murmur3("<feature>:<userId>") % 100 + 1, values from mmh3 as above.
        #expect(Bucketing.murmur3.bucket(feature: "enrollment_service", userId: 42) == 39)
        #expect(Bucketing.murmur3.bucket(feature: "progress_service", userId: 1) == 53)
        #expect(Bucketing.murmur3.bucket(feature: "grading_service", userId: 100_000) == 69)
        #expect(Bucketing.modulo.bucket(feature: "anything", userId: 1234) == 34)
    }

    // MARK: Reading flags

    static let features = ["enrollment_service", "progress_service", "grading_service", "domain_events"]

    @Test func readsFlagsFromDotEnvWithTheFixedKeyMapping() throws {
        // The guide's isEnabled() looked up `features.enrollment_service` while the config key was
        // `use_enrollment_service`, so FEATURE_ENROLLMENT_SERVICE=true never turned anything on.
        let env = try DotEnvFile.parse("""
            FEATURE_ENROLLMENT_SERVICE=true
            FEATURE_PROGRESS_SERVICE=(false)
            ROLLOUT_PROGRESS_SERVICE=25
            FEATURE_PILOT_USERS="7, 9,,11"
            FEATURE_DOMAIN_EVENTS=On
            """, file: ".env")
        let flags = try FlagConfiguration(features: Self.features, environment: env)
        #expect(flags.decide(feature: "enrollment_service", userId: 123, bucketing: .modulo)
            == FlagDecision(enabled: true, reason: .directFlag(key: "FEATURE_ENROLLMENT_SERVICE")))
        #expect(flags.decide(feature: "domain_events", userId: nil, bucketing: .murmur3).enabled)
        #expect(flags.pilotUserIds == [7, 9, 11])
        #expect(flags.settings["progress_service"] == FeatureSetting(directFlag: false, percentage: 25))
        #expect(flags.settings["grading_service"] == FeatureSetting(directFlag: false, percentage: 0))
        #expect(flags.status(feature: "progress_service") == FeatureFlagStatus(
            feature: "progress_service", flagKey: "FEATURE_PROGRESS_SERVICE", directFlag: false,
            rolloutKey: "ROLLOUT_PROGRESS_SERVICE", percentage: 25, pilotUserCount: 3, flagLine: 2, rolloutLine: 3))
        #expect(flags.status(feature: "grading_service").flagLine == nil)
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), ("(true)", true), ("1", true), ("on", true), ("Yes", true),
        ("false", false), ("(FALSE)", false), ("0", false), ("", false),
    ])
    func acceptsLaravelBooleans(value: String, expected: Bool) throws {
        let flags = try FlagConfiguration(features: ["x"], values: ["FEATURE_X": value])
        #expect(flags.settings["x"]?.directFlag == expected)
    }

    @Test(arguments: [
        ("FEATURE_X=maybe\n", "FEATURE_X", "is not a boolean"),
        ("FEATURE_X=off\n", "FEATURE_X", "would turn the feature ON in Laravel"),
        ("FEATURE_X=no\n", "FEATURE_X", "would turn the feature ON in Laravel"),
        ("ROLLOUT_X=150\n", "ROLLOUT_X", "150 is outside 0...100"),
        ("ROLLOUT_X=abc\n", "ROLLOUT_X", "is not a whole number"),
        ("ROLLOUT_X=12.5\n", "ROLLOUT_X", "is not a whole number"),
        ("ROLLOUT_X=-1\n", "ROLLOUT_X", "is not a whole number"),
        ("ROLLOUT_X=99999999999999999999999\n", "ROLLOUT_X", "is not a whole number"),
        ("FEATURE_PILOT_USERS=1,two\n", "FEATURE_PILOT_USERS", "\"two\" is not a user id"),
    ])
    func rejectsValuesThePHPCastWouldHide(line: String, key: String, message: String) throws {
        let env = try DotEnvFile.parse("# flags\n" + line, file: "/srv/app/.env")
        let error = #expect(throws: FlagConfigurationError.self) {
            try FlagConfiguration(features: ["x"], environment: env)
        }
        #expect(error?.key == key)
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("/srv/app/.env:2: \(key): ") == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    }

    @Test func emptyPilotListAndEmptyRolloutMeanNone() throws {
        let flags = try FlagConfiguration(
            features: ["x"], values: ["FEATURE_PILOT_USERS": "", "ROLLOUT_X": ""])
        #expect(flags.pilotUserIds.isEmpty)
        #expect(flags.settings["x"]?.percentage == 0)
        #expect(flags.decide(feature: "x", userId: 0, bucketing: .modulo) == FlagDecision(enabled: false, reason: .off))
    }

    @Test func rejectsFeatureNamesThatCannotBeEnvKeys() {
        #expect(throws: FlagConfigurationError.self) { try FlagConfiguration(features: ["bad-name"], values: [:]) }
        #expect(throws: FlagConfigurationError.self) {
            try FlagConfiguration(settings: ["x": FeatureSetting(percentage: 101)])
        }
    }

    // MARK: Decisions

    @Test func decidesInTheGuidesOrder() throws {
        let flags = try FlagConfiguration(
            settings: [
                "on": FeatureSetting(directFlag: true, percentage: 0),
                "ramp": FeatureSetting(directFlag: false, percentage: 30),
                "off": FeatureSetting(),
            ],
            pilotUserIds: [5])
        // Direct flag beats pilot and percentage.
        #expect(flags.decide(feature: "on", userId: 5, bucketing: .modulo).reason == .directFlag(key: "FEATURE_ON"))
        // Pilot users get every feature, even at 0% and even features not configured.
        #expect(flags.decide(feature: "off", userId: 5, bucketing: .modulo) == FlagDecision(enabled: true, reason: .pilotUser(userId: 5)))
        #expect(flags.decide(feature: "unknown", userId: 5, bucketing: .murmur3).enabled)
        #expect(flags.decide(feature: "unknown", userId: 6, bucketing: .murmur3) == FlagDecision(enabled: false, reason: .off))
        // Percentage, modulo: user 129 is bucket 29 < 30, user 130 is bucket 30.
        #expect(flags.decide(feature: "ramp", userId: 129, bucketing: .modulo)
            == FlagDecision(enabled: true, reason: .inPercentage(bucket: 29, percentage: 30, bucketing: .modulo)))
        #expect(flags.decide(feature: "ramp", userId: 130, bucketing: .modulo)
            == FlagDecision(enabled: false, reason: .outsidePercentage(bucket: 30, percentage: 30, bucketing: .modulo)))
        // No user: only the direct flag can turn a feature on.
        #expect(flags.decide(feature: "ramp", userId: nil, bucketing: .modulo) == FlagDecision(enabled: false, reason: .noUser(percentage: 30)))
        #expect(flags.decide(feature: "off", userId: 1, bucketing: .modulo) == FlagDecision(enabled: false, reason: .off))
        #expect(flags.enabledFeatures(userId: 129, bucketing: .modulo) == ["on", "ramp"])
    }

    @Test func murmur3BoundariesAreInclusive() throws {
        // Find users in bucket 1 and bucket 100 and check the `<=` edge at 1% and 99%/100%.
        let feature = "grading_service"
        let bucketing = Bucketing.murmur3
        let users = Array(1...5_000)
        let first = try #require(users.first { bucketing.bucket(feature: feature, userId: $0) == 1 })
        let last = try #require(users.first { bucketing.bucket(feature: feature, userId: $0) == 100 })
        for (percentage, firstOn, lastOn) in [(0, false, false), (1, true, false), (99, true, false), (100, true, true)] {
            let flags = try FlagConfiguration(settings: [feature: FeatureSetting(percentage: percentage)])
            #expect(flags.decide(feature: feature, userId: first, bucketing: bucketing).enabled == firstOn)
            #expect(flags.decide(feature: feature, userId: last, bucketing: bucketing).enabled == lastOn)
        }
    }

    @Test func decisionsRoundTripThroughJSON() throws {
        let decision = FlagDecision(enabled: true, reason: .inPercentage(bucket: 7, percentage: 10, bucketing: .murmur3))
        let data = try JSONEncoder().encode(decision)
        #expect(try JSONDecoder().decode(FlagDecision.self, from: data) == decision)
        #expect(decision.reason.description == "bucket 7 is inside the 10% rollout (murmur3)")
    }

    // MARK: Properties

    @Test(arguments: Bucketing.allCases)
    func raisingThePercentageNeverRemovesAUser(bucketing: Bucketing) throws {
        var generator = SeededGenerator(seed: 0xF1A6)
        let users = (0..<1_500).map { _ in Int.random(in: 1...10_000_000, using: &generator) } + Array(1...200)
        let configurations = try (0...100).map { percentage in
            try FlagConfiguration(settings: ["enrollment_service": FeatureSetting(percentage: percentage)])
        }
        for user in users {
            var wasEnabled = false
            for (percentage, flags) in configurations.enumerated() {
                let enabled = flags.decide(feature: "enrollment_service", userId: user, bucketing: bucketing).enabled
                if percentage == 0 { #expect(!enabled) }
                if percentage == 100 { #expect(enabled, "user \(user) is out at 100%") }
                if wasEnabled && !enabled {
                    Issue.record("user \(user) dropped out going to \(percentage)% with \(bucketing)")
                    return
                }
                wasEnabled = enabled
            }
        }
    }

    @Test func moduloIsTheGuidesFormula() throws {
        var generator = SeededGenerator(seed: 0x30D)
        for _ in 0..<20_000 {
            let user = Int.random(in: 0...1_000_000_000, using: &generator)
            let percentage = Int.random(in: 0...100, using: &generator)
            let flags = try FlagConfiguration(settings: ["x": FeatureSetting(percentage: percentage)])
            let enabled = flags.decide(feature: "x", userId: user, bucketing: .modulo).enabled
            #expect(enabled == (user % 100 < percentage), "user \(user) at \(percentage)%")
        }
    }

    @Test func murmur3BucketsAreNearlyUniform() {
        var counts = [Int](repeating: 0, count: 101)
        for user in 1...100_000 {
            counts[Bucketing.murmur3.bucket(feature: "enrollment_service", userId: user)] += 1
        }
        #expect(counts[0] == 0)
        let buckets = counts[1...]
        #expect(buckets.allSatisfy { (800...1_200).contains($0) }, "min \(buckets.min() ?? 0), max \(buckets.max() ?? 0)")
        // Chi-square with 99 degrees of freedom; 148.23 is the 0.999 quantile (scipy.stats.chi2.ppf).
        let chiSquare = buckets.reduce(0.0) { sum, count in
            let difference = Double(count) - 1_000
            return sum + difference * difference / 1_000
        }
        #expect(chiSquare < 148.23, "chi-square \(chiSquare)")
    }

    @Test func murmur3DecorrelatesFeaturesWhileModuloDoesNot() throws {
        let flags = try FlagConfiguration(settings: [
            "enrollment_service": FeatureSetting(percentage: 10),
            "progress_service": FeatureSetting(percentage: 10),
        ])
        var overlap: [Bucketing: Int] = [:]
        var enrolled: [Bucketing: Int] = [:]
        for user in 1...100_000 {
            for bucketing in Bucketing.allCases {
                let first = flags.decide(feature: "enrollment_service", userId: user, bucketing: bucketing).enabled
                let second = flags.decide(feature: "progress_service", userId: user, bucketing: bucketing).enabled
                if first { enrolled[bucketing, default: 0] += 1 }
                if first && second { overlap[bucketing, default: 0] += 1 }
            }
        }
        // Independent 10% samples share about 1% of users.
        #expect((600...1_400).contains(overlap[.murmur3] ?? 0), "murmur3 overlap \(overlap[.murmur3] ?? 0)")
        #expect((9_000...11_000).contains(enrolled[.murmur3] ?? 0))
        // The guide's recipe gives both features the very same 10%.
        #expect(overlap[.modulo] == 10_000)
        #expect(enrolled[.modulo] == 10_000)
    }
}
