import ArgumentParser
import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

/// How divergences are judged: the comparator rules, the accepted divergences and the day for expiry.
/// Shared by every command that compares (`run`, `replay`, `shrink`).
struct RulesOptions: ParsableArguments {
    static let defaultAccepted = "scenarios/accepted.yaml"
    static let defaultComparator = "scenarios/comparator.yaml"

    @Option(name: .long, help: "Accepted divergences file.")
    var accepted: String = RulesOptions.defaultAccepted

    @Option(name: .long, help: "Comparator rules file (ignored paths, tolerances, unordered lists).")
    var comparator: String = RulesOptions.defaultComparator

    @Option(name: .long, help: "Day (yyyy-mm-dd, UTC) accepted rules are checked against for expiry. Default: today.")
    var day: String?

    func validate() throws {
        if let day, !AcceptedRules.isDay(day) { throw ValidationError("--day must look like 2026-11-25") }
    }

    var effectiveDay: String { day ?? todayUTC() }

    /// Loads and checks both files; a file the user named must exist, the default ones may be absent.
    func load() throws(ConfigError) -> (comparator: OutcomeComparator, accepted: AcceptedRules) {
        let rules = try loadConfig(accepted, default: Self.defaultAccepted, AcceptedRules.load) ?? AcceptedRules()
        try rules.validate(features: Set(LMSFeature.allCases.map(\.rawValue)),
                           ops: Set(LMSOperation.allCases.map(\.rawValue)), path: accepted)
        let comparatorRules = try loadConfig(comparator, default: Self.defaultComparator, ComparatorRules.load)
        return (OutcomeComparator(rules: comparatorRules ?? ComparatorRules()), rules)
    }
}

/// Loads a config file. The default file may be missing (no rules); a file the user named must exist.
func loadConfig<T>(_ path: String, default defaultPath: String,
                   _ load: (String) throws(ConfigError) -> T) throws(ConfigError) -> T? {
    guard FileManager.default.fileExists(atPath: path) else {
        if path == defaultPath { return nil }
        throw ConfigError(file: path, message: "no such file", unreadable: true)
    }
    return try load(path)
}
