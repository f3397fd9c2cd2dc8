import ArgumentParser
import Foundation
import LMS
import ShadowKit
import ShadowReport
import ShadowRollout

struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "Read the feature flags of a Laravel .env (FEATURE_*, ROLLOUT_*, FEATURE_PILOT_USERS).",
        subcommands: [Status.self, Check.self])

    struct EnvOptions: ParsableArguments {
        @Option(name: .long, help: "The Laravel .env file.")
        var env: String = ".env"

        func configuration() throws -> FlagConfiguration {
            let file = try DotEnvFile.load(contentsOf: env)
            return try FlagConfiguration(features: LMSFeature.allCases.map(\.rawValue), environment: file)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each feature's flag, percentage and pilots.")
        @OptionGroup var options: EnvOptions

        func run() throws {
            let flags = try options.configuration()
            var rows: [[String]] = [["feature", "flag", "direct", "rollout %", "pilot users"]]
            for feature in flags.features {
                let s = flags.status(feature: feature)
                rows.append([feature, s.flagKey, s.directFlag ? "on" : "off", "\(s.percentage)", "\(s.pilotUserCount)"])
            }
            print(Format.table(rows, rightAligned: [3, 4]), terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Is FEATURE enabled for a user (or each user of a range), and why?")
        @Argument(help: "Feature name, e.g. enrollment_service.") var feature: String
        @Option(name: .long, help: "User id.") var user: Int?
        @Option(name: .long, help: "A range of user ids, FIRST-LAST (e.g. 1-1000): one decision per user.")
        var users: String?
        @OptionGroup var options: EnvOptions
        @Option(name: .long, help: "Bucketing recipe: modulo (the guide's) or murmur3 (Unleash-compatible).")
        var bucketing: String = Bucketing.murmur3.rawValue
        @Flag(name: .long, help: "Print JSON.") var json = false

        static let maxUsers = 1_000_000

        func validate() throws {
            guard LMSFeature(rawValue: feature) != nil else { throw ValidationError("unknown feature \"\(feature)\"") }
            guard Bucketing(rawValue: bucketing) != nil else { throw ValidationError("--bucketing is modulo or murmur3") }
            guard (user == nil) != (users == nil) else { throw ValidationError("give either --user ID or --users FIRST-LAST") }
            if users != nil { _ = try userRange() }
        }

        /// `--users FIRST-LAST` as a range of at most a million ids.
        func userRange() throws -> ClosedRange<Int> {
            let parts = (users ?? "").split(separator: "-", maxSplits: 1).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let first = parts[0], let last = parts[1], first <= last,
                  last - first < Self.maxUsers else {
                throw ValidationError("--users takes FIRST-LAST, e.g. 1-1000 (at most \(Self.maxUsers) users)")
            }
            return first...last
        }

        func run() throws {
            let flags = try options.configuration()
            let recipe = Bucketing(rawValue: bucketing) ?? .murmur3
            if let user {
                let decision = flags.decide(feature: feature, userId: user, bucketing: recipe)
                if json {
                    print(JSONValue.object(["feature": .string(feature), "userId": .int(user),
                                            "enabled": .bool(decision.enabled),
                                            "reason": .string(decision.reason.description)]).jsonText)
                } else {
                    print("\(feature) for user \(user): \(decision.enabled ? "ENABLED" : "disabled") (\(decision.reason))")
                }
                return
            }
            let range = try userRange()
            let decisions = range.map { flags.decide(feature: feature, userId: $0, bucketing: recipe) }
            let enabled = decisions.filter(\.enabled).count
            if json {
                print(JSONValue.object([
                    "feature": .string(feature), "bucketing": .string(recipe.rawValue),
                    "users": .int(range.count), "enabledCount": .int(enabled),
                    "decisions": .array(zip(range, decisions).map { id, decision in
                        .object(["userId": .int(id), "enabled": .bool(decision.enabled),
                                 "reason": .string(decision.reason.description)])
                    }),
                ]).jsonText)
            } else {
                print("\(feature) (\(recipe.rawValue)): enabled for \(enabled) of \(range.count) users \(range.lowerBound)-\(range.upperBound)")
            }
        }
    }
}
