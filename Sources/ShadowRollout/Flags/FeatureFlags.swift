import Foundation
import ShadowKit

/// How a user is placed in one of 100 buckets for a percentage rollout.
public enum Bucketing: String, Sendable, Codable, CaseIterable {
    /// The guide's recipe, for parity with the running app: bucket = `userId % 100` (0...99, PHP's
    /// `%`, so negative for negative ids), on when `bucket < percentage`. Every feature puts the same
    /// users first, so two features at 10% go to exactly the same 10% of users.
    case modulo
    /// Unleash's recipe: bucket = `murmur3_x86_32("<feature>:<userId>", seed 0) % 100 + 1`
    /// (1...100), on when `bucket <= percentage`. Ramps stay nested (everyone at 10% is still in at
    /// 50%) and different features pick independent users.
    case murmur3

    /// The bucket of `userId` for `feature`.
    func bucket(feature: String, userId: Int) -> Int {
        switch self {
        case .modulo:
            return userId % 100
        case .murmur3:
            return Int(Murmur3.x86_32("\(feature):\(userId)", seed: 0) % 100) + 1
        }
    }

    /// Whether a user in `bucket` is inside a rollout of `percentage` percent.
    func includes(bucket: Int, percentage: Int) -> Bool {
        guard percentage > 0 else { return false }  // the guide: `if ($percentage <= 0) return false`
        switch self {
        case .modulo: return bucket < percentage
        case .murmur3: return bucket <= percentage
        }
    }
}

/// The flag settings of one feature.
public struct FeatureSetting: Sendable, Equatable, Codable {
    /// `FEATURE_<NAME>`: on for everyone.
    public var directFlag: Bool
    /// `ROLLOUT_<NAME>`: 0...100.
    public var percentage: Int

    init(directFlag: Bool = false, percentage: Int = 0) {
        self.directFlag = directFlag
        self.percentage = percentage
    }
}

/// Why a feature is on or off for a user. ``description`` is a sentence for reports.
public enum FlagReason: Sendable, Codable, Equatable, CustomStringConvertible {
    /// `FEATURE_<NAME>` is on, so everyone gets the feature.
    case directFlag(key: String)
    /// The user is listed in `FEATURE_PILOT_USERS` (pilots get every feature, as in the guide).
    case pilotUser(userId: Int)
    /// The user's bucket is inside the rollout percentage.
    case inPercentage(bucket: Int, percentage: Int, bucketing: Bucketing)
    /// The user's bucket is outside the rollout percentage.
    case outsidePercentage(bucket: Int, percentage: Int, bucketing: Bucketing)
    /// A percentage rollout is set but there is no user to bucket (the guide returns false).
    case noUser(percentage: Int)
    /// No direct flag, not a pilot user, rollout 0%.
    case off

    public var description: String {
        switch self {
        case let .directFlag(key): return "\(key) is on"
        case let .pilotUser(userId): return "user \(userId) is a pilot user"
        case let .inPercentage(bucket, percentage, bucketing):
            return "bucket \(bucket) is inside the \(percentage)% rollout (\(bucketing.rawValue))"
        case let .outsidePercentage(bucket, percentage, bucketing):
            return "bucket \(bucket) is outside the \(percentage)% rollout (\(bucketing.rawValue))"
        case let .noUser(percentage):
            return "no user to place in the \(percentage)% rollout"
        case .off: return "no direct flag, not a pilot user, rollout 0%"
        }
    }
}

/// Whether a feature is on for one user, and why.
public struct FlagDecision: Sendable, Codable, Equatable {
    public let enabled: Bool
    public let reason: FlagReason

    init(enabled: Bool, reason: FlagReason) {
        self.enabled = enabled
        self.reason = reason
    }
}

/// What `flags status` shows for one feature.
public struct FeatureFlagStatus: Sendable, Codable, Equatable {
    public let feature: String
    public let flagKey: String
    public let directFlag: Bool
    let rolloutKey: String
    public let percentage: Int
    public let pilotUserCount: Int
    /// 1-based `.env` lines the two values came from, when they came from a file.
    let flagLine: Int?
    let rolloutLine: Int?
}

/// A flag value that cannot be used; the description names the file, line and key.
public struct FlagConfigurationError: InputError, Equatable {
    public let file: String
    public let line: Int?
    public let key: String
    public let message: String

    public var inputFile: String { file }
    public var inputLine: Int? { line }
    public var problem: String { "\(key): \(message)" }
}

/// The flags of a list of features, read from `.env` values the way the guide's
/// `config/features.php` reads them, but strictly: a value the app would silently coerce is an error.
///
/// The engine knows no feature names; callers pass them in. For feature `x` the keys are
/// `FEATURE_X` (direct flag), `ROLLOUT_X` (percentage) and the shared `FEATURE_PILOT_USERS`.
///
/// Fix of the guide's bug: its `FeatureFlag::isEnabled('enrollment_service')` reads
/// `config('features.enrollment_service')`, but `config/features.php` stores the flag under
/// `use_enrollment_service`, so the direct flag never matched and only pilots and percentages
/// worked. Here feature `x` always maps to `FEATURE_X`, the variable the config file reads.
public struct FlagConfiguration: Sendable, Equatable {
    /// The shared pilot-user list.
    static let pilotUsersKey = "FEATURE_PILOT_USERS"

    /// `FEATURE_<FEATURE>`: the direct flag of `feature`.
    public static func flagKey(for feature: String) -> String { "FEATURE_" + feature.uppercased() }

    /// `ROLLOUT_<FEATURE>`: the rollout percentage of `feature`.
    static func rolloutKey(for feature: String) -> String { "ROLLOUT_" + feature.uppercased() }

    /// The features, in the order given.
    public let features: [String]
    /// Pilot user ids, ascending, without duplicates.
    let pilotUserIds: [Int]
    public let settings: [String: FeatureSetting]
    private let sourceLines: [String: Int]

    /// Flags as written in a `.env` file; errors carry its path and the line of the bad value.
    public init(features: [String], environment: DotEnvFile) throws(FlagConfigurationError) {
        try self.init(
            features: features, file: environment.file,
            lookup: { key in environment[key].map { ($0, environment.lastEntry(for: key)?.line) } })
    }

    /// Flags from plain key/value pairs (e.g. the process environment); `source` names them in errors.
    public init(features: [String], values: [String: String], source: String = "environment")
        throws(FlagConfigurationError)
    {
        try self.init(features: features, file: source, lookup: { key in values[key].map { ($0, nil) } })
    }

    /// Flags given directly, e.g. to preview a rollout stage before writing it.
    public init(settings: [String: FeatureSetting], pilotUserIds: [Int] = [], features: [String]? = nil)
        throws(FlagConfigurationError)
    {
        for (feature, setting) in settings where !(0...100).contains(setting.percentage) {
            throw FlagConfigurationError(
                file: "settings", line: nil, key: Self.rolloutKey(for: feature),
                message: "percentage \(setting.percentage) is outside 0...100")
        }
        self.features = features ?? settings.keys.sorted()
        self.settings = settings
        self.pilotUserIds = Array(Set(pilotUserIds)).sorted()
        self.sourceLines = [:]
    }

    private init(
        features: [String], file: String, lookup: (String) -> (value: String, line: Int?)?
    ) throws(FlagConfigurationError) {
        var settings: [String: FeatureSetting] = [:]
        var lines: [String: Int] = [:]
        for feature in features {
            guard !feature.isEmpty, feature.unicodeScalars.allSatisfy(Self.isFeatureNameScalar) else {
                throw FlagConfigurationError(
                    file: file, line: nil, key: feature,
                    message: "invalid feature name (use letters, digits and '_', e.g. enrollment_service)")
            }
            var setting = FeatureSetting()
            let flagKey = Self.flagKey(for: feature)
            if let found = lookup(flagKey) {
                setting.directFlag = try Self.parseBoolean(found.value, key: flagKey, file: file, line: found.line)
                lines[flagKey] = found.line
            }
            let rolloutKey = Self.rolloutKey(for: feature)
            if let found = lookup(rolloutKey) {
                setting.percentage = try Self.parsePercentage(found.value, key: rolloutKey, file: file, line: found.line)
                lines[rolloutKey] = found.line
            }
            settings[feature] = setting
        }
        var pilots: Set<Int> = []
        if let found = lookup(Self.pilotUsersKey) {
            pilots = try Self.parsePilotUsers(found.value, file: file, line: found.line)
        }
        self.features = features
        self.settings = settings
        self.pilotUserIds = pilots.sorted()
        self.sourceLines = lines
    }

    /// Whether `feature` is on for `userId`, in the guide's order: direct flag, pilot users,
    /// percentage. A feature not in ``features`` behaves like one with no flag and 0%, as the guide's
    /// `config()` default does — pilot users still get it.
    public func decide(feature: String, userId: Int?, bucketing: Bucketing) -> FlagDecision {
        let setting = settings[feature] ?? FeatureSetting()
        if setting.directFlag {
            return FlagDecision(enabled: true, reason: .directFlag(key: Self.flagKey(for: feature)))
        }
        if let userId, pilotUserIds.contains(userId) {
            return FlagDecision(enabled: true, reason: .pilotUser(userId: userId))
        }
        guard setting.percentage > 0 else { return FlagDecision(enabled: false, reason: .off) }
        guard let userId else {
            return FlagDecision(enabled: false, reason: .noUser(percentage: setting.percentage))
        }
        let bucket = bucketing.bucket(feature: feature, userId: userId)
        if bucketing.includes(bucket: bucket, percentage: setting.percentage) {
            return FlagDecision(
                enabled: true,
                reason: .inPercentage(bucket: bucket, percentage: setting.percentage, bucketing: bucketing))
        }
        return FlagDecision(
            enabled: false,
            reason: .outsidePercentage(bucket: bucket, percentage: setting.percentage, bucketing: bucketing))
    }

    /// The features that are on for `userId` (the guide's `getEnabledFeatures`), in ``features`` order.
    func enabledFeatures(userId: Int?, bucketing: Bucketing) -> [String] {
        features.filter { decide(feature: $0, userId: userId, bucketing: bucketing).enabled }
    }

    /// The raw settings of `feature`, for `flags status`.
    public func status(feature: String) -> FeatureFlagStatus {
        let setting = settings[feature] ?? FeatureSetting()
        let flagKey = Self.flagKey(for: feature)
        let rolloutKey = Self.rolloutKey(for: feature)
        return FeatureFlagStatus(
            feature: feature, flagKey: flagKey, directFlag: setting.directFlag,
            rolloutKey: rolloutKey, percentage: setting.percentage, pilotUserCount: pilotUserIds.count,
            flagLine: sourceLines[flagKey], rolloutLine: sourceLines[rolloutKey])
    }

    // MARK: Value parsing

    private static func isFeatureNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": return true
        default: return false
        }
    }

    /// Laravel's `env()` turns true/(true) into `true` and false/(false) into `false`, and leaves any
    /// other string as a string, which PHP then judges by truthiness: only "" and "0" are false.
    /// We accept the values whose meaning is the same both ways and reject the rest. "off" and "no"
    /// are rejected on purpose: to a reader they mean false, but the app would read them as true.
    static func parseBoolean(_ value: String, key: String, file: String, line: Int?)
        throws(FlagConfigurationError) -> Bool
    {
        switch value.lowercased() {
        case "true", "(true)", "1", "on", "yes": return true
        case "false", "(false)", "0", "": return false
        case "off", "no":
            throw FlagConfigurationError(
                file: file, line: line, key: key,
                message: "\(String(reflecting: value)) would turn the feature ON in Laravel (env() keeps it as "
                    + "a non-empty string, which PHP treats as true); write false or 0")
        default:
            throw FlagConfigurationError(
                file: file, line: line, key: key,
                message: "\(String(reflecting: value)) is not a boolean (use true/false, 1/0, on or yes)")
        }
    }

    /// The guide casts with `(int)`, which turns "abc" into 0 and "12.5%" into 12; we refuse those.
    /// An empty value is 0, as it is for the app.
    static func parsePercentage(_ value: String, key: String, file: String, line: Int?)
        throws(FlagConfigurationError) -> Int
    {
        if value.isEmpty { return 0 }
        guard value.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(value) else {
            throw FlagConfigurationError(
                file: file, line: line, key: key,
                message: "\(String(reflecting: value)) is not a whole number from 0 to 100")
        }
        guard (0...100).contains(number) else {
            throw FlagConfigurationError(
                file: file, line: line, key: key, message: "\(number) is outside 0...100")
        }
        return number
    }

    /// Comma-separated user ids. Blank items are ignored (PHP's `explode(',', '')` gives `['']`,
    /// which matches no user). Whitespace around an id is allowed because PHP 8's loose `in_array`
    /// comparison ignores it too.
    static func parsePilotUsers(_ value: String, file: String, line: Int?) throws(FlagConfigurationError) -> Set<Int> {
        var ids: Set<Int> = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let id = Int(trimmed) else {
                throw FlagConfigurationError(
                    file: file, line: line, key: pilotUsersKey,
                    message: "\(String(reflecting: String(item))) is not a user id (expected comma-separated whole numbers)")
            }
            ids.insert(id)
        }
        return ids
    }
}
