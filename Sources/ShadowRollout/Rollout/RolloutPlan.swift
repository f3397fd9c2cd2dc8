import Foundation
import ShadowKit
import Yams

// MARK: - Errors

/// A rollout plan that cannot be used. The description reads `FILE:LINE: FIELD: what is wrong`.
public struct RolloutPlanError: InputError, Equatable {
    public var file: String
    /// 1-based line in the plan file, when known.
    public var line: Int?
    /// Where in the document, e.g. `features.enrollment_service.stages[1].env[0]`.
    public var field: String
    public var message: String
    /// The plan file could not be read at all (see ``InputError/isUnreadable``).
    public var unreadable = false

    init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var inputFile: String { file }
    public var inputLine: Int? { line }
    public var problem: String { field.isEmpty ? message : "\(field): \(message)" }
    public var isUnreadable: Bool { unreadable }

    /// A YAML-level error of the one config loader, as a plan error (no field).
    init(_ error: LocatedError) {
        self.init(file: error.file, line: error.line, field: "", message: error.message)
        unreadable = error.unreadable
    }
}

// MARK: - Model

/// One `KEY=value` a rollout stage sets in `.env`.
///
/// How it is compared with a `.env` is by meaning, not by text, because the app reads it by meaning:
/// `FEATURE_*` keys are booleans (absent is `false`, as `env('FEATURE_X', false)`), `ROLLOUT_*` keys are
/// percentages (absent is 0), and ``FlagConfiguration/pilotUsersKey`` is a set of user ids that must be
/// *included* (the list is shared by every feature, so a stage never removes ids). Other keys compare as text.
public struct EnvAssignment: Sendable, Equatable {
    public var key: String
    public var value: String
    /// 1-based line of the assignment in the plan file.
    public var line: Int

    init(key: String, value: String, line: Int = 0) {
        self.key = key
        self.value = value
        self.line = line
    }

    /// `KEY=value`.
    public var text: String { "\(key)=\(value)" }
}

/// Another feature that must be at (or past) a stage before a feature may advance.
public struct StageRequirement: Sendable, Equatable {
    public var feature: String
    public var stage: String
}

/// What the gated run must show, on top of a passing gate, before a feature may leave a stage.
public struct StageEvidence: Sendable, Equatable {
    /// Comparisons of the feature in the gated run.
    var minComparisons: Int
    /// Hours of scenario time the gated run covered.
    var minScenarioHours: Double
    /// Other features that must already be at or past a stage (checked on the same `.env`).
    public var requires: [StageRequirement]

    public init(minComparisons: Int = 0, minScenarioHours: Double = 0, requires: [StageRequirement] = []) {
        self.minComparisons = minComparisons
        self.minScenarioHours = minScenarioHours
        self.requires = requires
    }
}

/// One stage of a feature's rollout: what it sets in `.env`, and what is needed to leave it.
public struct RolloutStage: Sendable, Equatable {
    public var name: String
    /// Written on entering the stage; the feature is at the stage when all of them hold.
    public var assignments: [EnvAssignment]
    /// Needed before advancing to the next stage (unused on the last stage).
    public var evidence: StageEvidence
    /// 1-based line of the stage in the plan file.
    public var line: Int

    public init(name: String, assignments: [EnvAssignment], evidence: StageEvidence = StageEvidence(), line: Int = 0) {
        self.name = name
        self.assignments = assignments
        self.evidence = evidence
        self.line = line
    }
}

/// Where a feature stands in its plan, as read from a `.env`.
public enum StagePosition: Sendable, Equatable, CustomStringConvertible {
    /// At `stages[index]`.
    case stage(index: Int, name: String)
    /// No stage's assignments all hold. `values` are the feature's keys as the file has them
    /// (`nil` = absent), to show the user what is there instead.
    case custom(values: [String: String?])

    /// The stage name, or `unknown/custom`.
    public var description: String {
        switch self {
        case .stage(_, let name): name
        case .custom: "unknown/custom"
        }
    }

    /// The stage index, when at a known stage.
    public var index: Int? {
        if case .stage(let index, _) = self { return index }
        return nil
    }

    /// The name recorded in the ledger: the stage name, or `unknown/custom`.
    var ledgerName: String { description }
}

/// The ordered stages of one feature.
public struct FeaturePlan: Sendable, Equatable {
    public var feature: String
    public var stages: [RolloutStage]
    /// 1-based line of the feature in the plan file.
    public var line: Int

    public init(feature: String, stages: [RolloutStage], line: Int = 0) {
        self.feature = feature
        self.stages = stages
        self.line = line
    }

    /// The index of the stage called `name`.
    func stageIndex(named name: String) -> Int? { stages.firstIndex { $0.name == name } }

    /// Every `.env` key some stage of this feature sets.
    public var keys: [String] {
        var seen: Set<String> = []
        return stages.flatMap(\.assignments).map(\.key).filter { seen.insert($0).inserted }
    }

    /// The feature's stage in `env`: the furthest stage whose assignments all hold.
    ///
    /// "Furthest" matters only where one stage's assignments include another's: with the shared pilot list
    /// non-empty, a service whose flag and percentage are off is on for the pilots (the guide's
    /// `isEnabled` checks pilots before percentages), so it is at `pilot`, not `off`.
    public func position(in env: DotEnvFile) -> StagePosition {
        if let index = stages.indices.last(where: { RolloutPlan.holds(stages[$0].assignments, in: env) }) {
            return .stage(index: index, name: stages[index].name)
        }
        var values: [String: String?] = [:]
        for key in keys { values[key] = .some(env[key]) }
        return .custom(values: values)
    }
}

/// The rollout plan (`scenarios/rollout.yaml`): each feature's stages from the guide's phases, the `.env`
/// assignments of each stage, and the evidence a stage needs before the next.
public struct RolloutPlan: Sendable, Equatable {
    /// The path the plan was read from (used in messages).
    public var file: String
    /// Features in file order.
    public var features: [FeaturePlan]

    init(file: String, features: [FeaturePlan]) {
        self.file = file
        self.features = features
    }

    /// The plan of `feature`, if the plan has one.
    public func feature(_ name: String) -> FeaturePlan? { features.first { $0.feature == name } }

    /// Feature names in file order.
    public var featureNames: [String] { features.map(\.feature) }

    // MARK: Matching

    /// Whether every assignment holds in `env` (see ``EnvAssignment`` for how values are compared).
    public static func holds(_ assignments: [EnvAssignment], in env: DotEnvFile) -> Bool {
        assignments.allSatisfy { holds($0, in: env) }
    }

    /// Whether one assignment holds in `env`. A value the app could not read as intended never holds.
    public static func holds(_ assignment: EnvAssignment, in env: DotEnvFile) -> Bool {
        let current = env[assignment.key]
        switch kind(of: assignment.key) {
        case .pilotUsers:
            guard let wanted = try? pilotIds(assignment.value) else { return false }
            guard let have = try? pilotIds(current ?? "") else { return false }
            return Set(wanted).isSubset(of: Set(have))
        case .flag:
            guard let wanted = try? boolean(assignment.value, key: assignment.key),
                  let have = try? boolean(current ?? "false", key: assignment.key) else { return false }
            return wanted == have
        case .percentage:
            guard let wanted = try? percentage(assignment.value, key: assignment.key),
                  let have = try? percentage(current ?? "0", key: assignment.key) else { return false }
            return wanted == have
        case .text:
            return current == assignment.value
        }
    }

    /// The `(key, value)` pairs to write so that `assignments` hold in `env`: only those that do not hold
    /// already, and for the pilot list the union of the ids there and the ids wanted (in that order).
    public static func edits(for assignments: [EnvAssignment], in env: DotEnvFile)
        throws(FlagConfigurationError) -> [(key: String, value: String)]
    {
        var result: [(key: String, value: String)] = []
        for assignment in assignments where !holds(assignment, in: env) {
            guard kind(of: assignment.key) == .pilotUsers else {
                result.append((assignment.key, assignment.value))
                continue
            }
            let line = env.lastEntry(for: assignment.key)?.line
            let have = try FlagConfiguration.parsePilotUsers(env[assignment.key] ?? "", file: env.file, line: line)
            let existing = orderedPilotIds(env[assignment.key] ?? "")
            let wanted = (try? pilotIds(assignment.value)) ?? []
            let added = wanted.filter { !have.contains($0) }
            result.append((assignment.key, (existing + added).map(String.init).joined(separator: ",")))
        }
        return result
    }

    enum KeyKind { case pilotUsers, flag, percentage, text }

    static func kind(of key: String) -> KeyKind {
        if key == FlagConfiguration.pilotUsersKey { return .pilotUsers }
        if key.hasPrefix("FEATURE_") { return .flag }
        if key.hasPrefix("ROLLOUT_") { return .percentage }
        return .text
    }

    static func boolean(_ value: String, key: String) throws(FlagConfigurationError) -> Bool {
        try FlagConfiguration.parseBoolean(value, key: key, file: "", line: nil)
    }

    static func percentage(_ value: String, key: String) throws(FlagConfigurationError) -> Int {
        try FlagConfiguration.parsePercentage(value, key: key, file: "", line: nil)
    }

    /// Ids in the order written, first occurrence kept (the set parser loses the order).
    static func orderedPilotIds(_ value: String) -> [Int] {
        var seen: Set<Int> = []
        return value.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .filter { seen.insert($0).inserted }
    }

    static func pilotIds(_ value: String) throws(FlagConfigurationError) -> [Int] {
        let ids = try FlagConfiguration.parsePilotUsers(value, file: "", line: nil)
        return orderedPilotIds(value).filter { ids.contains($0) }
    }
}

// MARK: - Parsing

extension RolloutPlan {
    /// Reads and parses the plan at `path`.
    public static func load(path: String, knownFeatures: Set<String>? = nil) throws(RolloutPlanError) -> RolloutPlan {
        let text: String
        do {
            text = try ConfigFile.text(path: path, unreadable: "cannot read the rollout plan")
        } catch {
            throw RolloutPlanError(error)
        }
        return try parse(text, file: path, knownFeatures: knownFeatures)
    }

    /// Parses plan YAML. Every field is checked; an unknown field is an error (a typo such as
    /// `minComparison` must not silently drop a requirement). `knownFeatures`, when given, is the set of
    /// feature names the plan may use.
    ///
    /// ```yaml
    /// features:
    ///   enrollment_service:
    ///     stages:
    ///       - name: "off"
    ///         env: [FEATURE_ENROLLMENT_SERVICE=false, ROLLOUT_ENROLLMENT_SERVICE=0]
    ///         evidence: {minComparisons: 3000}
    ///       - name: pilot
    ///         ...
    /// ```
    public static func parse(_ text: String, file: String, knownFeatures: Set<String>? = nil)
        throws(RolloutPlanError) -> RolloutPlan
    {
        let root: Node?
        do {
            root = try ConfigFile.compose(text, path: file)
        } catch {
            throw RolloutPlanError(error)
        }
        guard let root else {
            throw RolloutPlanError(file: file, line: nil, field: "", message: "the plan is empty; it needs a `features:` mapping")
        }
        let reader = PlanReader(file: file)
        let top = try reader.mapping(root, field: "", allowed: ["features"])
        guard let featuresNode = top["features"] else {
            throw reader.error(root, "", "missing field \"features\"")
        }
        let featureNodes = try reader.mapping(featuresNode, field: "features", allowed: nil)
        guard !featureNodes.isEmpty else { throw reader.error(featuresNode, "features", "lists no feature") }

        var features: [FeaturePlan] = []
        for (keyNode, valueNode) in featureNodes.pairs {
            let name = try reader.string(keyNode, field: "features")
            let field = "features.\(name)"
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(isFeatureNameScalar) else {
                throw reader.error(keyNode, field, "invalid feature name (use letters, digits and '_', e.g. enrollment_service)")
            }
            if let knownFeatures, !knownFeatures.contains(name) {
                throw reader.error(keyNode, field, "unknown feature (known: \(knownFeatures.sorted().joined(separator: ", ")))")
            }
            let body = try reader.mapping(valueNode, field: field, allowed: ["stages"])
            guard let stagesNode = body["stages"] else { throw reader.error(valueNode, field, "missing field \"stages\"") }
            let stageNodes = try reader.sequence(stagesNode, field: "\(field).stages")
            guard !stageNodes.isEmpty else { throw reader.error(stagesNode, "\(field).stages", "lists no stage") }
            var stages: [RolloutStage] = []
            for (index, stageNode) in stageNodes.enumerated() {
                let stageField = "\(field).stages[\(index)]"
                let stage = try reader.stage(stageNode, field: stageField)
                if let earlier = stages.first(where: { $0.name == stage.name }) {
                    throw reader.error(stageNode, "\(stageField).name",
                                       "duplicate stage name \"\(stage.name)\" (also at line \(earlier.line))")
                }
                if let earlier = stages.first(where: { sameMeaning($0.assignments, stage.assignments) }) {
                    throw reader.error(stageNode, "\(stageField).env",
                                       "sets the same values as stage \"\(earlier.name)\"; the two could not be told apart in a .env")
                }
                if index == stageNodes.count - 1, stage.evidence != StageEvidence(),
                   let evidenceNode = try reader.mapping(stageNode, field: stageField, allowed: nil)["evidence"] {
                    throw reader.error(evidenceNode, "\(stageField).evidence",
                                       "the last stage has no next stage, so its evidence would never be used")
                }
                stages.append(stage)
            }
            if features.contains(where: { $0.feature == name }) {
                throw reader.error(keyNode, field, "feature listed twice")
            }
            features.append(FeaturePlan(feature: name, stages: stages, line: reader.line(keyNode) ?? 0))
        }

        // Requirements name features and stages of this plan.
        for plan in features {
            for (stageIndex, stage) in plan.stages.enumerated() {
                for (index, requirement) in stage.evidence.requires.enumerated() {
                    let field = "features.\(plan.feature).stages[\(stageIndex)].evidence.requires[\(index)]"
                    guard let other = features.first(where: { $0.feature == requirement.feature }) else {
                        throw RolloutPlanError(file: file, line: stage.line, field: field,
                                               message: "feature \"\(requirement.feature)\" has no stages in this plan")
                    }
                    guard other.feature != plan.feature else {
                        throw RolloutPlanError(file: file, line: stage.line, field: field,
                                               message: "a feature cannot require one of its own stages")
                    }
                    guard other.stageIndex(named: requirement.stage) != nil else {
                        throw RolloutPlanError(
                            file: file, line: stage.line, field: field,
                            message: "\(requirement.feature) has no stage \"\(requirement.stage)\" "
                                + "(its stages: \(other.stages.map(\.name).joined(separator: ", ")))")
                    }
                }
            }
        }
        return RolloutPlan(file: file, features: features)
    }

    /// Two stages mean the same thing when each one's assignments hold in a file made of the other's.
    static func sameMeaning(_ first: [EnvAssignment], _ second: [EnvAssignment]) -> Bool {
        func file(_ assignments: [EnvAssignment]) -> DotEnvFile? {
            try? DotEnvFile.parse(assignments.map { "\($0.key)=\(DotEnvFile.encode($0.value))\n" }.joined(), file: "")
        }
        guard let a = file(first), let b = file(second) else { return false }
        return holds(first, in: b) && holds(second, in: a)
    }

    static func isFeatureNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }
}

/// Reads YAML nodes with errors that name the file, line and field.
private struct PlanReader {
    let file: String

    struct Pairs {
        var pairs: [(Node, Node)]
        var isEmpty: Bool { pairs.isEmpty }
        subscript(key: String) -> Node? { pairs.first { $0.0.scalar?.string == key }?.1 }
    }

    func line(_ node: Node) -> Int? { node.mark?.line }

    func error(_ node: Node, _ field: String, _ message: String) -> RolloutPlanError {
        RolloutPlanError(file: file, line: line(node), field: field, message: message)
    }

    func mapping(_ node: Node, field: String, allowed: Set<String>?) throws(RolloutPlanError) -> Pairs {
        guard case .mapping(let mapping) = node else {
            throw error(node, field, "expected a mapping (key: value lines)")
        }
        var pairs: [(Node, Node)] = []
        for (key, value) in mapping {
            let name = try string(key, field: field)
            if let allowed, !allowed.contains(name) {
                let prefix = field.isEmpty ? "" : field + "."
                throw error(key, prefix + name, "unknown field (expected: \(allowed.sorted().joined(separator: ", ")))")
            }
            if pairs.contains(where: { $0.0.scalar?.string == name }) {
                throw error(key, field.isEmpty ? name : "\(field).\(name)", "given twice")
            }
            pairs.append((key, value))
        }
        return Pairs(pairs: pairs)
    }

    func sequence(_ node: Node, field: String) throws(RolloutPlanError) -> [Node] {
        guard case .sequence(let sequence) = node else { throw error(node, field, "expected a list (- item lines)") }
        return Array(sequence)
    }

    func string(_ node: Node, field: String) throws(RolloutPlanError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, field, "expected a single value") }
        return scalar.string
    }

    func int(_ node: Node, field: String) throws(RolloutPlanError) -> Int {
        let text = try string(node, field: field)
        guard let value = Int(text), value >= 0 else { throw error(node, field, "\"\(text)\" is not a whole number of 0 or more") }
        return value
    }

    func double(_ node: Node, field: String) throws(RolloutPlanError) -> Double {
        let text = try string(node, field: field)
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw error(node, field, "\"\(text)\" is not a number of 0 or more")
        }
        return value
    }

    func stage(_ node: Node, field: String) throws(RolloutPlanError) -> RolloutStage {
        let body = try mapping(node, field: field, allowed: ["name", "env", "evidence"])
        guard let nameNode = body["name"] else { throw error(node, field, "missing field \"name\"") }
        let name = try string(nameNode, field: "\(field).name")
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw error(nameNode, "\(field).name", "must not be empty")
        }
        guard let envNode = body["env"] else { throw error(node, field, "missing field \"env\"") }
        let envItems = try sequence(envNode, field: "\(field).env")
        guard !envItems.isEmpty else {
            throw error(envNode, "\(field).env", "lists no assignment; a stage must say what it sets in .env")
        }
        var assignments: [EnvAssignment] = []
        for (index, item) in envItems.enumerated() {
            let itemField = "\(field).env[\(index)]"
            let assignment = try self.assignment(item, field: itemField)
            if assignments.contains(where: { $0.key == assignment.key }) {
                throw error(item, itemField, "\(assignment.key) is set twice in this stage")
            }
            assignments.append(assignment)
        }
        var evidence = StageEvidence()
        if let evidenceNode = body["evidence"] {
            evidence = try self.evidence(evidenceNode, field: "\(field).evidence")
        }
        return RolloutStage(name: name, assignments: assignments, evidence: evidence, line: line(node) ?? 0)
    }

    func assignment(_ node: Node, field: String) throws(RolloutPlanError) -> EnvAssignment {
        let text = try string(node, field: field)
        guard let equals = text.firstIndex(of: "=") else {
            throw error(node, field, "\"\(text)\" is not KEY=value")
        }
        let key = String(text[..<equals])
        let value = String(text[text.index(after: equals)...])
        guard DotEnvFile.isValidKey(key) else {
            throw error(node, field, "\"\(key)\" is not a .env key (use letters, digits, '_' and '.')")
        }
        do {
            switch RolloutPlan.kind(of: key) {
            case .pilotUsers:
                guard !(try RolloutPlan.pilotIds(value)).isEmpty else {
                    throw error(node, field, "\(key) needs at least one user id (it lists the ids a stage adds)")
                }
            case .flag: _ = try RolloutPlan.boolean(value, key: key)
            case .percentage: _ = try RolloutPlan.percentage(value, key: key)
            case .text: break
            }
        } catch let problem as FlagConfigurationError {
            throw error(node, field, problem.message)
        } catch let problem as RolloutPlanError {
            throw problem
        } catch {
            throw self.error(node, field, "\(error)")
        }
        return EnvAssignment(key: key, value: value, line: line(node) ?? 0)
    }

    func evidence(_ node: Node, field: String) throws(RolloutPlanError) -> StageEvidence {
        let body = try mapping(node, field: field, allowed: ["minComparisons", "minScenarioHours", "requires"])
        var evidence = StageEvidence()
        if let value = body["minComparisons"] { evidence.minComparisons = try int(value, field: "\(field).minComparisons") }
        if let value = body["minScenarioHours"] {
            evidence.minScenarioHours = try double(value, field: "\(field).minScenarioHours")
        }
        if let value = body["requires"] {
            let requirements = try mapping(value, field: "\(field).requires", allowed: nil)
            for (featureNode, stageNode) in requirements.pairs {
                let feature = try string(featureNode, field: "\(field).requires")
                let stage = try string(stageNode, field: "\(field).requires.\(feature)")
                evidence.requires.append(StageRequirement(feature: feature, stage: stage))
            }
        }
        return evidence
    }
}
