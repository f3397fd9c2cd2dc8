import Foundation
import Histogram
import Synchronization

/// Where scenarios come from: files, a generator, or anything that yields them in order.
public protocol ScenarioSource<Command> {
    associatedtype Command: Sendable
    /// The next scenario, or `nil` when there are no more.
    mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Command>?
}

extension ScenarioReader: ScenarioSource {}

/// Several sources read one after the other, ordinals continuing across them.
public struct ChainedSource<Command: Sendable>: ScenarioSource {
    private var sources: [any ScenarioSource<Command>]
    private var ordinal = 0

    public init(_ sources: [any ScenarioSource<Command>]) { self.sources = sources }

    public mutating func nextScenario() throws(ScenarioError) -> ScenarioInput<Command>? {
        while !sources.isEmpty {
            if var scenario = try sources[0].nextScenario() {
                scenario.ordinal = ordinal
                // The parts of a long scenario share its ordinal.
                if !scenario.continues { ordinal += 1 }
                return scenario
            }
            sources.removeFirst()
        }
        return nil
    }
}

/// How a run compares.
public struct RunOptions: Sendable {
    public var workers: Int
    /// Only these features are compared (all commands are still applied). `nil` = every feature.
    public var features: Set<String>?
    public var comparator: OutcomeComparator
    public var accepted: AcceptedRules
    /// The day (UTC, `yyyy-mm-dd`) accepted rules are checked against for expiry.
    public var day: String
    /// Full divergences kept per signature (the earliest ones); counts are always exact.
    public var examplesPerSignature: Int
    /// Scenarios per unit of parallel work.
    public var batchSize: Int
    /// Whether to collect the candidate's events, transitions and failed jobs for the store.
    public var recordSideEffects: Bool
    /// Whether a batch keeps every divergence in full (replays), not only the examples.
    var keepsEveryDivergence = false
    /// One scenario in this many has its control timed twice (A/A) when the subject can (see
    /// ``ShadowSubject/timesControlTwice``): the machine's timing noise the latency verdict must clear. 0 = never.
    var repeatTimingEvery = 4

    public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, features: Set<String>? = nil,
                comparator: OutcomeComparator = OutcomeComparator(), accepted: AcceptedRules = AcceptedRules(),
                day: String, examplesPerSignature: Int = 20, batchSize: Int = 256, recordSideEffects: Bool = true) {
        self.workers = max(1, workers)
        self.features = features
        self.comparator = comparator
        self.accepted = accepted
        self.day = day
        self.examplesPerSignature = max(0, examplesPerSignature)
        self.batchSize = max(1, batchSize)
        self.recordSideEffects = recordSideEffects
    }
}

/// A candidate side-effect row with where and when it happened.
public struct SideEffectRow: Sendable {
    public var scenario: String
    public var seq: Int
    public var at: Double
    public var records: SideEffectRecords
}

/// What a sink receives for each batch, in input order.
public struct BatchOutput: Sendable {
    /// Divergences to keep in full (the first few of each signature).
    public var divergences: [Divergence]
    public var sideEffects: [SideEffectRow]
    public var commands: Int
    public var scenarios: Int
}

/// Receives a run's results as they are produced, in input order (the store writes them in batches).
public protocol RunSink {
    mutating func consume(_ batch: BatchOutput) throws
    /// Called once after the last batch (also when the run stops on an error): everything consumed must be
    /// written when it returns.
    mutating func finish() throws
}

extension RunSink {
    public mutating func finish() throws {}
}

/// First and last place a signature was seen, and how often.
public struct SignatureSummary: Sendable, Codable, Equatable {
    /// Where one divergence of the signature happened.
    public struct Occurrence: Sendable, Codable, Equatable {
        public var scenario: String
        public var seq: Int
        public var file: String
        public var line: Int
        public var ordinal: Int
    }

    public var signature: String
    public var text: String
    public var feature: String
    public var op: String
    public var kind: DivergenceKind
    public var count: Int
    public var acceptedRule: String?
    /// Of an accepted signature's divergences, those the counterfactual check confirmed: the control with the
    /// rule's quirks switched off agrees with the candidate.
    public var explained = 0
    /// Those it could not check: the subject cannot switch the quirk off, or the divergence is downstream.
    public var unexplained = 0
    public var first: Occurrence
    public var last: Occurrence
    /// For knock-ons: the signature of the root divergences these followed from. A downstream divergence is
    /// counted under a signature of its own per root signature, never under an unexpected or accepted one.
    public var downstreamOf: String? = nil
    /// For a root signature: the downstream divergences its occurrences caused ("caused 37 later divergences").
    public var caused = 0
}

/// The totals of a run.
public struct RunTotals: Sendable {
    public var features: [String: FeatureCounts]
    public var featureOrder: [String]
    public var latency: [String: LatencySummary]
    public var candidateLatency: [String: LatencySummary]
    public var signatures: [SignatureSummary]
    /// Expired rule id → divergences it would have accepted.
    public var expiredRuleHits: [String: Int]
    public var commands: Int
    public var scenarios: Int
    /// Sum over scenarios of the time their clocks covered.
    public var scenarioSeconds: Double
    /// The time recorded traffic spans: the union of its scenarios' intervals (overlapping scenarios count once).
    public var trafficSeconds: Double = 0
    /// Commands of generated scenarios, whose clocks are made up (``ScenarioInput/synthetic``).
    public var syntheticCommands = 0
    /// The control timed twice on the same commands (A/A), per feature: this machine's timing noise.
    package var repeatLatency: [String: RepeatTiming] = [:]
    /// Counts per input (the scenarios' `file`: a path or `generated:seed=S`), then per feature: what
    /// `advance` pools, each input once.
    public var inputs: [String: [String: FeatureCounts]] = [:]

    package init(features: [String: FeatureCounts], featureOrder: [String], latency: [String: LatencySummary],
                 candidateLatency: [String: LatencySummary], signatures: [SignatureSummary],
                 expiredRuleHits: [String: Int], commands: Int, scenarios: Int, scenarioSeconds: Double) {
        self.features = features
        self.featureOrder = featureOrder
        self.latency = latency
        self.candidateLatency = candidateLatency
        self.signatures = signatures
        self.expiredRuleHits = expiredRuleHits
        self.commands = commands
        self.scenarios = scenarios
        self.scenarioSeconds = scenarioSeconds
    }
}

/// Signatures with all their examples merged, shared between the merger and the batches being compared.
///
/// Batches are merged in input order, so when a signature fills up, every batch still being compared comes
/// later in the input and its examples of that signature would be dropped: it can skip building them (two
/// outcome trees each). Without this, each batch built up to `examplesPerSignature` of every signature.
/// What the run keeps does not depend on when a batch sees the set.
final class FilledSignatures: Sendable {
    private let ids = Mutex<Set<String>>([])

    func contains(_ id: String) -> Bool { ids.withLock { $0.contains(id) } }
    func insert(_ id: String) { _ = ids.withLock { $0.insert(id) } }
}

/// Runs both implementations of a subject side by side over scenarios, in parallel, deterministically.
///
/// Scenarios are cut into batches; each batch runs on its own task with fresh worlds per scenario, and
/// batch results are merged strictly in input order, so counts, signatures and stored divergences are the
/// same for any number of workers. At most `2 × workers` batches are in memory at once.
public struct ShadowRunner<Subject: ShadowSubject>: Sendable {
    public let subject: Subject
    public let options: RunOptions
    /// Features in display order; per-command bookkeeping uses their positions, not their names.
    let featureOrder: [String]
    let featureIndex: [String: Int]
    /// The quirks of the rules, for the counterfactual check.
    let quirks: QuirkPlan
    /// Per accepted rule, the parts of the control's and the candidate's outcome trees its value constraints
    /// read: all the rule needs of a divergence's outcomes, built instead of whole trees.
    let valueTrees: [(control: TreeSelection, candidate: TreeSelection)]

    public init(subject: Subject, options: RunOptions) {
        self.subject = subject
        self.options = options
        featureOrder = subject.features + (subject.sideEffectsFeature.map { [$0] } ?? [])
        featureIndex = Dictionary(featureOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        quirks = QuirkPlan(rules: options.accepted, tolerances: options.comparator.rules.tolerances, day: options.day,
                           switchable: subject.switchableQuirks)
        valueTrees = options.accepted.rules.map {
            (TreeSelection($0.control.patterns), TreeSelection($0.candidate.patterns))
        }
    }

    /// Reads every scenario of `source`, compares, hands results to `sink`, and returns the totals.
    /// `progress` is called after each merged batch with the commands done so far.
    /// The sink's `finish` is called before this returns or throws.
    ///
    /// At most `workers` batches are compared at once. Reading the next batch and merging finished ones
    /// happen on the calling task meanwhile, and at most `2 × workers` results wait to be merged in order.
    public func run(_ source: inout some ScenarioSource<Subject.Command>, sink: inout some RunSink,
                    progress: (Int) -> Void = { _ in }) async throws -> RunTotals {
        var merger = Merger(order: featureOrder, examplesPerSignature: options.examplesPerSignature)
        let filled = FilledSignatures()
        let window = options.workers * 2
        do {
            try await withThrowingTaskGroup(of: BatchResult.self) { group in
                var submitted = 0
                var running = 0
                var finished: [Int: BatchResult] = [:]
                var nextToMerge = 0
                var carried: Carry?
                // Each batch holds one input's scenarios, so the counts of every input are known.
                var inputOfBatch: [Int: String] = [:]
                var nextInput: ScenarioInput<Subject.Command>?
                func collect(_ result: BatchResult) throws {
                    running -= 1
                    if let carry = result.carry { carried = carry }
                    finished[result.index] = result
                    while let result = finished.removeValue(forKey: nextToMerge) {
                        // In input order, so the same input stops at the same place for any worker count.
                        if let fatal = result.fatal { throw fatal }
                        try sink.consume(merger.merge(result, filled: filled, input: inputOfBatch.removeValue(forKey: nextToMerge)))
                        nextToMerge += 1
                        progress(merger.commands)
                    }
                }
                while true {
                    var batch: [ScenarioInput<Subject.Command>] = []
                    while batch.count < options.batchSize {
                        let next: ScenarioInput<Subject.Command>?
                        if let waiting = nextInput { (next, nextInput) = (waiting, nil) } else { next = try source.nextScenario() }
                        guard let scenario = next else { break }
                        if let first = batch.first, first.file != scenario.file {
                            nextInput = scenario
                            break
                        }
                        batch.append(scenario)
                        // The next part of this scenario starts the next batch, on the worlds this one leaves.
                        if scenario.continues { break }
                    }
                    if batch.isEmpty { break }
                    // A batch that goes on with a scenario waits for the batch that ran its previous part.
                    let continuesScenario = batch[0].continuesPrevious
                    while running >= options.workers || submitted - nextToMerge >= window
                            || (continuesScenario && running > 0),
                          let result = try await group.next() {
                        try collect(result)
                    }
                    // A source must hand out a scenario's parts one after the other (ScenarioReader does).
                    precondition(!continuesScenario || carried != nil, "a scenario part with no part before it")
                    let carry = continuesScenario ? carried : nil
                    carried = nil
                    let index = submitted
                    inputOfBatch[index] = batch[0].file
                    let work = self
                    group.addTask { work.process(batch, index: index, filled: filled, carry: carry) }
                    submitted += 1
                    running += 1
                }
                while let result = try await group.next() { try collect(result) }
                precondition(carried == nil, "the input ended inside a scenario that was to continue")
            }
        } catch {
            try? sink.finish()
            throw error
        }
        try sink.finish()
        return merger.totals()
    }

    func isSelected(_ feature: String) -> Bool { options.features?.contains(feature) ?? true }

    // MARK: Work on one batch

    struct BatchResult: Sendable {
        var index: Int
        var counts: [FeatureCounts]
        var latency: [LatencySamples?]
        /// The batch's signatures in order of first occurrence, with counts and first and last place.
        var signatures: [SignatureSummary] = []
        /// Divergences kept in full, in input order: the first few of each signature in this batch.
        var examples: [Example] = []
        /// Every divergence (without outcome trees), only when ``RunOptions/keepsEveryDivergence``.
        var divergences: [Divergence] = []
        var sideEffects: [SideEffectRow] = []
        var expiredRuleHits: [String: Int] = [:]
        /// Signatures whose examples earlier batches already supply: none are built for them.
        var filled: FilledSignatures?
        /// The worlds of the batch's last scenario when it `continues` in the next batch.
        var carry: Carry?
        /// What stopped the batch (and so the run, when it is merged): bad input, including a scenario clock
        /// outside ``Timestamp``'s range, or an unavailable subject.
        var fatal: (any Error)?
        /// Divergence shape (see `record`) → its signature's position in `signatures` and the expired rules
        /// that would have matched it.
        var shapes: [String: Shape] = [:]
        var signatureSlots: [String: Int] = [:]
        /// Knock-on state of the command being compared.
        var knockOn = KnockOnCommand()
        /// The counterfactual check's state for the scenario being run (`nil` when the run does not check).
        var check: CheckState?

        init(index: Int, features: Int) {
            self.index = index
            counts = Array(repeating: FeatureCounts(), count: features)
            latency = Array(repeating: nil, count: features)
        }
        var commands = 0
        var scenarios = 0
        var scenarioSeconds = 0.0
        /// Start and end of each recorded (not generated) scenario, for the traffic's span.
        var recordedIntervals: [ScenarioSpan] = []
        var syntheticCommands = 0
    }

    struct Shape: Sendable {
        /// The signature's slot, once known (never for a shape whose rule is chosen per divergence).
        var slot: Int?
        var rule: String?
        var expired: [String]
        /// Rules matching the shape, when one of them constrains values: then the rule is chosen per divergence.
        var candidates: [(index: Int, expired: Bool)]?
        var signature: Signature
    }

    /// A divergence kept in full, with its signature's slot in the batch and its rank among that
    /// signature's divergences in the batch.
    struct Example: Sendable {
        var divergence: Divergence
        var slot: Int
        var rank: Int
    }

    /// The worlds and clock of a scenario that comes in parts, from the batch that ran one part to the batch
    /// that runs the next. The runner starts that batch only after the first one finished, so the worlds are
    /// never used by two tasks at once (hence `@unchecked`: worlds need not be `Sendable`).
    final class Carry: @unchecked Sendable {
        private var control: Subject.ControlWorld?
        private var candidate: Subject.CandidateWorld?
        /// The control's second world, when the scenario's control is timed twice.
        private var repeatControl: Subject.ControlWorld?
        let clock: ScenarioClock
        let start: Double
        /// The scenario's knock-on chains so far: a later part's divergences may follow from an earlier part's.
        let chains: KnockOnChains
        /// The counterfactual check's state (explained roots, the corrected world), for the same reason.
        let check: CheckState?

        init(control: Subject.ControlWorld, candidate: Subject.CandidateWorld, repeatControl: Subject.ControlWorld?,
             clock: ScenarioClock, start: Double, chains: KnockOnChains, check: CheckState?) {
            self.control = control
            self.candidate = candidate
            self.repeatControl = repeatControl
            self.clock = clock
            self.start = start
            self.chains = chains
            self.check = check
        }

        func takeRepeatControl() -> Subject.ControlWorld? {
            defer { repeatControl = nil }
            return repeatControl
        }

        // Taken out, not copied: a world left here too would make the next part's first change copy it whole.
        func takeControl() -> Subject.ControlWorld? {
            defer { control = nil }
            return control
        }

        func takeCandidate() -> Subject.CandidateWorld? {
            defer { candidate = nil }
            return candidate
        }
    }

    func process(_ batch: [ScenarioInput<Subject.Command>], index: Int, filled: FilledSignatures? = nil,
                 carry: Carry? = nil) -> BatchResult {
        var result = BatchResult(index: index, features: featureOrder.count)
        result.filled = filled
        var carry = carry
        for scenario in batch {
            carry = run(scenario, into: &result, continuing: scenario.continuesPrevious ? carry : nil)
            if result.fatal != nil { return result }
        }
        result.carry = carry
        return result
    }

    /// Both outcomes of one command, as a replay shows them.
    typealias Observer = (InputCommand<Subject.Command>, Result<Subject.Outcome, any Error>,
                          Result<Subject.Outcome, any Error>) -> Void

    /// Applies a scenario (or one part of it, on the worlds `continuing` carries over) and compares; returns
    /// the worlds when the scenario continues in another part. A scenario is counted at its last part.
    /// A failure that stops the run (bad input a subject found, an unavailable subject) is left in
    /// `result.fatal`, and the batch stops there.
    @discardableResult
    func run(_ scenario: ScenarioInput<Subject.Command>, into result: inout BatchResult,
             continuing: Carry? = nil, observe: Observer? = nil) -> Carry? {
        guard let first = scenario.commands.first else { return continuing }
        var control = continuing?.takeControl() ?? subject.makeControlWorld()
        var candidate = continuing?.takeCandidate() ?? subject.makeCandidateWorld()
        var repeatControl = continuing.map { $0.takeRepeatControl() }
            ?? (timesControlTwice(scenario) ? subject.makeControlWorld() : nil)
        let start = continuing?.start ?? first.at
        var clock = continuing?.clock ?? ScenarioClock(start: first.at)
        var chains = continuing?.chains ?? KnockOnChains()
        let times = ScenarioClock.times(scenario.commands, clock: &clock, advance: subject.clockAdvance(of:))
        do {
            try subject.begin(scenario, times: times, probes: probeQuirks(for:), control: &control, candidate: &candidate)
        } catch {
            result.fatal = Self.fatal(error, scenario, first) ?? error
            return nil
        }
        result.check = continuing?.check ?? (checksCounterfactuals ? CheckState() : nil)
        let sideEffectsFeature = subject.sideEffectsFeature.flatMap { isSelected($0) ? $0 : nil }
        let sideEffectsIndex = sideEffectsFeature.flatMap { featureIndex[$0] }
        for (position, input) in scenario.commands.enumerated() {
            let now = times[position]
            // The reader refuses such input with its line; this guards every other source (a Date, the store's
            // time text and the reports' durations would otherwise be computed from an unbounded clock).
            let advance = subject.clockAdvance(of: input.command) ?? 0
            guard Timestamp.isSupported(now), Timestamp.isSupported(now + advance) else {
                result.fatal = ScenarioError(
                    file: scenario.file, line: input.line,
                    message: "the scenario clock leaves the supported years 0001 to 9999 (UTC) at seq \(input.seq)")
                return nil
            }
            let date = Date(timeIntervalSince1970: now)
            // The counterfactual check needs the control's world as it was before the command.
            result.check?.begin(before: control, command: input.command, op: input.op, seq: input.seq, now: date)
            defer { result.check?.end() }
            // The sides run in a seeded order drawn per command, so none is always timed first (on a cold cache).
            var controlResult: Result<Subject.Outcome, any Error> = .failure(SubjectFailure.abandoned("not applied"))
            var candidateResult: Result<Subject.Outcome, any Error> = .failure(SubjectFailure.abandoned("not applied"))
            var controlTime: UInt64 = 0
            var candidateTime: UInt64 = 0
            var repeatTime: UInt64?
            var order = TimingOrder.order(ordinal: scenario.ordinal, seq: input.seq, sides: repeatControl == nil ? 2 : 3)
            while order != 0 {
                let side = order & 0b11
                order >>= 2
                let t0 = DispatchTime.now().uptimeNanoseconds
                switch side {
                case TimingOrder.control:
                    controlResult = Result { try subject.applyControl(input.command, to: &control, now: date) }
                    controlTime = DispatchTime.now().uptimeNanoseconds &- t0
                case TimingOrder.candidate:
                    candidateResult = Result { try subject.applyCandidate(input.command, to: &candidate, now: date) }
                    candidateTime = DispatchTime.now().uptimeNanoseconds &- t0
                default:
                    if var world = repeatControl {
                        repeatControl = nil  // applied in place, not on a copy
                        _ = try? subject.applyControl(input.command, to: &world, now: date)
                        repeatTime = DispatchTime.now().uptimeNanoseconds &- t0
                        repeatControl = world
                    }
                }
            }
            observe?(input, controlResult, candidateResult)
            if let check = result.check { check.triggered = subject.triggeredQuirks(in: control) }
            result.commands += 1
            // A subject's failure either stops the run (bad input, an unavailable subject) or abandons the command.
            // Checked without building anything per command: failures are rare.
            var abandoned = false
            let failures = (Self.subjectFailure(controlResult), Self.subjectFailure(candidateResult))
            if failures.0 != nil || failures.1 != nil {
                for failure in [failures.0, failures.1].compactMap({ $0 }) {
                    if case .abandoned = failure {
                        abandoned = true
                    } else {
                        result.fatal = Self.fatal(failure, scenario, input) ?? failure
                        return nil
                    }
                }
            }
            guard let feature = subject.feature(of: input.command), let index = featureIndex[feature] else { continue }
            let comparesFeature = isSelected(feature)
            if abandoned {
                if comparesFeature { result.counts[index].abandoned += 1 }
                if let sideEffectsIndex { result.counts[sideEffectsIndex].abandoned += 1 }
                continue
            }
            // Knock-ons: in a scenario that already diverged, is this command downstream of an earlier divergence?
            var entities: [String]?
            if !chains.isEmpty {
                let touched = subject.entities(of: input.command, control: controlResult, world: control)
                entities = touched
                result.knockOn.root = chains.root(touching: touched)
                result.check?.downstream = result.knockOn.root != nil
            }
            if comparesFeature {
                if case .success(let a) = controlResult {
                    if let reported = subject.reportedDuration(a) { controlTime = reported }
                    if let reported = subject.secondaryDuration(a) { repeatTime = reported }
                }
                if case .success(let b) = candidateResult, let reported = subject.reportedDuration(b) {
                    candidateTime = reported
                }
                if result.latency[index] == nil { result.latency[index] = LatencySamples() }
                result.latency[index]?.append(control: controlTime, candidate: candidateTime, repeat: repeatTime)
                compareBehaviour(controlResult, candidateResult, Place(feature: feature, index: index),
                                 scenario, input, &result)
            }
            if let sideEffectsFeature, let sideEffectsIndex, case .success(let a) = controlResult,
               case .success(let b) = candidateResult {
                compareSideEffects(a, b, Place(feature: sideEffectsFeature, index: sideEffectsIndex), scenario, input,
                                   &result)
            }
            if case .success(let outcome) = controlResult, case let jobs = subject.failedJobCount(outcome), jobs > 0 {
                if comparesFeature { result.counts[index].controlFailedJobs += jobs }
                if let sideEffectsIndex { result.counts[sideEffectsIndex].controlFailedJobs += jobs }
            }
            if result.knockOn.diverged, let root = result.knockOn.root ?? result.knockOn.started {
                chains.add(entities ?? subject.entities(of: input.command, control: controlResult, world: control), root: root)
            }
            result.knockOn = KnockOnCommand()
            if case .success(let outcome) = candidateResult {
                let records = subject.records(outcome)
                if !records.failedJobs.isEmpty {
                    if comparesFeature {
                        result.counts[index].failedJobs += records.failedJobs.count
                    }
                    if let sideEffectsIndex {
                        result.counts[sideEffectsIndex].failedJobs += records.failedJobs.count
                    }
                }
                if options.recordSideEffects,
                   !(records.events.isEmpty && records.transitions.isEmpty && records.failedJobs.isEmpty) {
                    result.sideEffects.append(SideEffectRow(scenario: scenario.id, seq: input.seq, at: now, records: records))
                }
            }
        }
        if scenario.synthetic { result.syntheticCommands += scenario.commands.count }
        if scenario.continues {
            return Carry(control: control, candidate: candidate, repeatControl: repeatControl, clock: clock, start: start,
                         chains: chains, check: result.check)
        }
        result.scenarios += 1
        result.scenarioSeconds += clock.now - start
        if !scenario.synthetic { result.recordedIntervals.append(ScenarioSpan(start: start, end: clock.now)) }
        return nil
    }

    /// Whether this scenario's control is also applied to a second world and timed (A/A).
    func timesControlTwice(_ scenario: ScenarioInput<Subject.Command>) -> Bool {
        subject.timesControlTwice && options.repeatTimingEvery > 0 && scenario.ordinal % options.repeatTimingEvery == 0
    }

    static func subjectFailure(_ result: Result<Subject.Outcome, any Error>) -> SubjectFailure? {
        if case .failure(let error) = result { return error as? SubjectFailure }
        return nil
    }

    /// A subject's failure that stops the run, located at the command it happened on.
    static func fatal(_ error: any Error, _ scenario: ScenarioInput<Subject.Command>,
                      _ input: InputCommand<Subject.Command>) -> (any Error)? {
        switch error as? SubjectFailure {
        case .invalidCommand(let message)?:
            ScenarioError(file: scenario.file, line: input.line, message: message)
        case .unavailable(let message)?:
            SubjectUnavailable("\(scenario.file):\(input.line): \(message)")
        case .abandoned?, nil:
            nil
        }
    }

    /// The feature a comparison counts under, and its position in the per-feature arrays.
    struct Place {
        var feature: String
        var index: Int
    }

    // Scenario and command are passed as borrowed parameters, not copied into a struct: this runs for every
    // comparison, and each copy of a scenario retains its strings and command list.
    private func compareBehaviour(_ control: Result<Subject.Outcome, any Error>,
                                  _ candidate: Result<Subject.Outcome, any Error>, _ place: Place,
                                  _ scenario: ScenarioInput<Subject.Command>, _ input: InputCommand<Subject.Command>,
                                  _ result: inout BatchResult) {
        result.counts[place.index].comparisons += 1
        switch (control, candidate) {
        case (.failure, .failure):
            // Both crashed on the same command (a 500 for a 500): the candidate reproduces the control. Messages
            // are not compared; wording is free to change in a refactor, as rejection messages are.
            if let found = reproduction(CheckInput(candidate: candidate, part: .behaviour), check: result.check) {
                recordReproduction(found, candidate, .behaviour, place, scenario, input, &result)
                return
            }
            result.counts[place.index].matches += 1
        case (.failure(let error), _):
            record(.controlError, diff: [DiffEntry(path: "$.error", control: .string("\(error)"), candidate: nil)],
                   controlCode: nil, candidateCode: nil, controlTree: { tree(control, $0) },
                   candidateTree: { tree(candidate, $0) }, place, scenario, input, &result,
                   check: CheckInput(candidate: candidate, part: .behaviour))
        case (.success(let a), .failure(let error)):
            record(.candidateError, diff: [DiffEntry(path: "$.error", control: nil, candidate: .string("\(error)"))],
                   controlCode: subject.rejectionCode(a), candidateCode: nil,
                   controlTree: { subject.outcomeTree(a, selecting: $0) },
                   candidateTree: { tree(candidate, $0) }, place, scenario, input, &result,
                   check: CheckInput(candidate: candidate, part: .behaviour))
        case (.success(let a), .success(let b)):
            let candidateCode = subject.rejectionCode(b)
            if candidateCode != nil { result.counts[place.index].candidateRejections += 1 }
            let checkInput = CheckInput(candidate: candidate, part: .behaviour)
            let equal = subject.behavioursEqual(a, b)
            if equal, let found = reproduction(checkInput, check: result.check) {
                recordReproduction(found, candidate, .behaviour, place, scenario, input, &result)
                return
            }
            guard let (diff, noise, note) = differences(
                equal, { subject.diffBehaviour(a, b, into: &$0) }, subject.noisePaths(a), place,
                &result, trees: { (subject.behaviourTree(a), subject.behaviourTree(b)) }, check: checkInput) else { return }
            let controlCode = subject.rejectionCode(a)
            let kind = noise ? .noise : Self.behaviourKind(controlCode, candidateCode)
            record(kind, diff: diff, controlCode: controlCode, candidateCode: candidateCode,
                   controlTree: { subject.outcomeTree(a, selecting: $0) },
                   candidateTree: { subject.outcomeTree(b, selecting: $0) }, place, scenario,
                   input, &result, check: checkInput, note: note,
                   unexpected: note == nil ? nil : .toleranceNotExplained)
        }
    }

    private func compareSideEffects(_ a: Subject.Outcome, _ b: Subject.Outcome, _ place: Place,
                                    _ scenario: ScenarioInput<Subject.Command>, _ input: InputCommand<Subject.Command>,
                                    _ result: inout BatchResult) {
        result.counts[place.index].comparisons += 1
        let check = CheckInput(candidate: .success(b), part: .sideEffects)
        let equal = subject.sideEffectsEqual(a, b)
        if equal, let found = reproduction(check, check: result.check) {
            recordReproduction(found, .success(b), .sideEffects, place, scenario, input, &result)
            return
        }
        guard let (diff, noise, note) = differences(
            equal, { subject.diffSideEffects(a, b, into: &$0) }, subject.noisePaths(a), place,
            &result, trees: { (subject.sideEffectsTree(a), subject.sideEffectsTree(b)) }, check: check) else { return }
        record(noise ? .noise : .eventMismatch, diff: diff, controlCode: subject.rejectionCode(a), candidateCode: subject.rejectionCode(b),
               controlTree: { subject.outcomeTree(a, selecting: $0) },
               candidateTree: { subject.outcomeTree(b, selecting: $0) }, place, scenario, input,
               &result, check: check, note: note,
               unexpected: note == nil ? nil : .toleranceNotExplained)
    }

    /// The differences under the comparator's rules, or `nil` (counted as a match, or as tolerated) when the
    /// typed equality or the rules find none; `walk` runs only when the typed values differ. Differences on
    /// `noisePaths` are left out; when nothing else differs, the noise ones are returned with `noise` set.
    /// Differences a tolerance absorbed go through the counterfactual check: refuted, they are returned with
    /// the reason as `note` (an unexpected divergence).
    private func differences(_ equal: Bool, _ walk: (inout DiffBuilder) -> Void, _ noisePaths: Set<String>,
                             _ place: Place, _ result: inout BatchResult, trees: () -> (JSONValue, JSONValue),
                             check: CheckInput) -> (entries: [DiffEntry], noise: Bool, note: String?)? {
        if !equal {
            var builder = DiffBuilder(comparator: options.comparator)
            walk(&builder)
            var entries = builder.entries
            let tolerated = builder.tolerated.isEmpty ? []
                : options.comparator.rules.resolve(builder.tolerated, into: &entries, trees: trees)
            if !entries.isEmpty {
                if noisePaths.isEmpty { return (entries, false, nil) }
                let real = entries.filter { !noisePaths.contains($0.path) }
                return real.isEmpty ? (entries, true, nil) : (real, false, nil)
            }
            if !tolerated.isEmpty {
                if let reason = refuteTolerated(tolerated.map(\.tolerance), check, check: result.check) {
                    return (tolerated.map(\.entry), false, reason)
                }
                result.counts[place.index].tolerated += 1
                return nil
            }
        }
        result.counts[place.index].matches += 1
        return nil
    }

    /// Records a reproduced quirk (``reproduction(_:check:)``) as an unexpected divergence between the control
    /// without the quirks and the candidate: its kind, codes and trees are theirs.
    private func recordReproduction(_ found: Reproduction, _ candidate: Result<Subject.Outcome, any Error>,
                                    _ part: Part, _ place: Place, _ scenario: ScenarioInput<Subject.Command>,
                                    _ input: InputCommand<Subject.Command>, _ result: inout BatchResult) {
        var controlCode: String?
        var candidateCode: String?
        let kind: DivergenceKind
        switch (found.control, candidate) {
        case (.failure, _): kind = .controlError
        case (.success(let a), .failure):
            controlCode = subject.rejectionCode(a)
            kind = .candidateError
        case (.success(let a), .success(let b)):
            controlCode = subject.rejectionCode(a)
            candidateCode = subject.rejectionCode(b)
            kind = part == .sideEffects ? .eventMismatch : Self.behaviourKind(controlCode, candidateCode)
        }
        record(kind, diff: found.entries, controlCode: controlCode, candidateCode: candidateCode,
               controlTree: { tree(found.control, $0) }, candidateTree: { tree(candidate, $0) }, place, scenario, input,
               &result, note: found.reason, unexpected: .reproduces(found.quirks))
    }

    /// The kind of a difference in behaviour between two outcomes with these rejection codes (`nil`: carried out).
    static func behaviourKind(_ controlCode: String?, _ candidateCode: String?) -> DivergenceKind {
        if (controlCode == nil) != (candidateCode == nil) { return .rejectionMismatch }
        return controlCode != candidateCode ? .errorCodeMismatch : .valueMismatch
    }

    private func tree(_ result: Result<Subject.Outcome, any Error>, _ selection: TreeSelection) -> JSONValue {
        switch result {
        case .success(let outcome): subject.outcomeTree(outcome, selecting: selection)
        case .failure(let error): .object(["error": .string("\(error)")])
        }
    }

    /// The divergence's plain signature, and its rule and the expired rules before it, unless a rule that may
    /// match constrains values: then `candidates`, and the rule is chosen per divergence.
    private func classify(_ divergence: Divergence) -> (signature: Signature, rule: String?, expired: [String],
                                                        candidates: [(index: Int, expired: Bool)]?) {
        let signature = Signature(feature: divergence.feature, op: divergence.op, kind: divergence.kind,
                                  controlCode: divergence.controlCode, candidateCode: divergence.candidateCode,
                                  paths: divergence.paths)
        let candidates = options.accepted.candidates(divergence, on: options.day)
        // A rule that constrains values decides per divergence, not per shape.
        if candidates.contains(where: { options.accepted.rules[$0.index].constrainsValues }) {
            return (signature, nil, [], candidates)
        }
        let (rule, expired) = options.accepted.classify(divergence, on: options.day)
        guard let rule else { return (signature, nil, expired, nil) }
        return (signature, rule, expired, nil)
    }

    /// Accepted and unexpected occurrences of the same shape are different problems: a rule may require
    /// codes or paths the signature folds away, so each acceptance gets its own signature; so does each rule
    /// whose divergences the counterfactual check refuted.
    static func signature(_ base: Signature, acceptedBy rule: String) -> Signature {
        Signature(id: Signature.hash(base.text + " | accepted by " + rule), text: base.text)
    }

    static func signature(_ base: Signature, notExplainedBy rule: String) -> Signature {
        let text = base.text + " | not explained by " + rule
        return Signature(id: Signature.hash(text), text: text)
    }

    /// The slot of a signature in the batch, added on first sight.
    private func slot(_ signature: Signature, rule: String?, _ place: Place, _ op: String, _ kind: DivergenceKind,
                      downstreamOf root: String? = nil, _ result: inout BatchResult) -> Int {
        if let existing = result.signatureSlots[signature.id] { return existing }
        let slot = result.signatures.count
        result.signatureSlots[signature.id] = slot
        let nowhere = SignatureSummary.Occurrence(scenario: "", seq: 0, file: "", line: 0, ordinal: 0)
        result.signatures.append(SignatureSummary(signature: signature.id, text: signature.text, feature: place.feature,
                                                  op: op, kind: kind, count: 0, acceptedRule: rule, first: nowhere,
                                                  last: nowhere, downstreamOf: root))
        return slot
    }

    /// The signature of knock-ons of one shape that follow from roots of one signature: the shape's text, with
    /// an id of its own per root signature, so a knock-on never counts under an unexpected or accepted signature.
    static func downstreamSignature(_ divergence: Divergence, of root: String) -> Signature {
        let signature = Signature(feature: divergence.feature, op: divergence.op, kind: divergence.kind,
                                  controlCode: divergence.controlCode, candidateCode: divergence.candidateCode,
                                  paths: divergence.paths)
        return Signature(id: Signature.hash(signature.text + " | downstream of " + root), text: signature.text)
    }

    /// Counts a divergence under its signature. Signature and rule depend only on the divergence's shape
    /// (feature, op, kind, codes, paths), and a run has few shapes, so each is classified once per batch;
    /// a full ``Divergence`` is built only for the first few of each signature, which are the only ones the
    /// merger may keep as examples (or for every one, in replays). `controlTree` and `candidateTree` build the
    /// outcomes' trees, whole (``TreeSelection/everything``) for a kept divergence, in parts for a value rule.
    private func record(_ kind: DivergenceKind, diff: [DiffEntry], controlCode: String?, candidateCode: String?,
                        controlTree: (TreeSelection) -> JSONValue, candidateTree: (TreeSelection) -> JSONValue,
                        _ place: Place,
                        _ scenario: ScenarioInput<Subject.Command>, _ input: InputCommand<Subject.Command>,
                        _ result: inout BatchResult, check: CheckInput? = nil, note: String? = nil,
                        unexpected: Unexpected? = nil) {
        func divergence() -> Divergence {
            Divergence(feature: place.feature, op: input.op, kind: kind, scenario: scenario.id, seq: input.seq,
                       file: scenario.file, line: input.line, ordinal: scenario.ordinal, diff: diff,
                       controlCode: controlCode, candidateCode: candidateCode, controlOutcome: .null,
                       candidateOutcome: .null, signature: Signature(id: "", text: ""), acceptedRule: nil)
        }
        // Downstream of an earlier divergence of the scenario: a knock-on, not evidence on a clean state. A
        // candidate crash is never one (whatever state led there, the candidate should refuse, not crash).
        var root = kind == .noise || kind == .candidateError ? nil : result.knockOn.root
        var note = note
        var unexpected = unexpected
        if let knockOn = root, let check, let reason = refuteKnockOn(knockOn, check, check: result.check) {
            // Its root was explained, yet the corrected world does not explain it: a root of its own.
            root = nil
            note = reason
            unexpected = .knockOnNotExplained
        }
        var key = place.feature
        key.reserveCapacity(96)
        // "\u{0}" stands for no code, so that no code and an empty code are different shapes.
        key += "\u{1}" + input.op + "\u{1}" + kind.rawValue + "\u{1}" + (controlCode ?? "\u{0}") + "\u{1}"
            + (candidateCode ?? "\u{0}")
        for entry in diff {
            key += "\u{1}"
            key += entry.path
        }
        if let root { key += "\u{2}" + root.signature }
        if let unexpected { key += "\u{2}" + unexpected.suffix }
        var shape: Shape
        if let known = result.shapes[key] {
            shape = known
        } else if let root {
            // A knock-on is no rule's business: its worlds already differ. It counts under its root's signature.
            shape = Shape(slot: nil, rule: nil, expired: [], candidates: nil,
                          signature: Self.downstreamSignature(divergence(), of: root.signature))
            result.shapes[key] = shape
        } else {
            var (signature, rule, expired, candidates) = classify(divergence())
            if let unexpected {
                // Found by the counterfactual check (a tolerated difference it refuted, a reproduced quirk, a knock-on
                // its root does not explain): unexpected, whatever rule would match its shape.
                signature = Signature(id: Signature.hash(signature.text + " | " + unexpected.suffix),
                                      text: signature.text + " | " + unexpected.suffix)
                (rule, expired, candidates) = (nil, [], nil)
            }
            shape = Shape(slot: nil, rule: rule, expired: expired, candidates: candidates, signature: signature)
            result.shapes[key] = shape
        }
        var rule = shape.rule
        var expired = shape.expired
        if let candidates = shape.candidates {
            let (index, matched) = acceptingRule(candidates, controlTree: controlTree, candidateTree: candidateTree,
                                                 command: input.command)
            rule = index.map { options.accepted.rules[$0].id }
            expired = matched
        }
        // Signatures are added on first use only, so that none is left with no divergence.
        var explanation: Explanation?
        if kind != .noise, let check, let ruleId = rule,
           let index = options.accepted.rules.firstIndex(where: { $0.id == ruleId }) {
            explanation = explain(rule: index, check, check: result.check)
        }
        let slot: Int
        if case .refuted(let reason)? = explanation, let ruleId = rule {
            note = reason
            rule = nil
            slot = self.slot(Self.signature(shape.signature, notExplainedBy: ruleId), rule: nil, place, input.op, kind,
                             &result)
        } else if let cached = shape.slot {
            slot = cached
        } else {
            slot = self.slot(rule.map { Self.signature(shape.signature, acceptedBy: $0) } ?? shape.signature, rule: rule,
                             place, input.op, kind, downstreamOf: root?.signature, &result)
            if shape.candidates == nil { result.shapes[key]?.slot = slot }
        }
        switch explanation {
        case .explained?: result.signatures[slot].explained += 1
        case .unexplained?: result.signatures[slot].unexplained += 1
        case .refuted?, nil: break
        }
        shape.rule = rule
        shape.expired = expired
        for id in shape.expired { result.expiredRuleHits[id, default: 0] += 1 }
        let occurrence = SignatureSummary.Occurrence(scenario: scenario.id, seq: input.seq, file: scenario.file,
                                                     line: input.line, ordinal: scenario.ordinal)
        let rank = result.signatures[slot].count
        result.signatures[slot].count = rank + 1
        if rank == 0 { result.signatures[slot].first = occurrence }
        result.signatures[slot].last = occurrence
        let id = result.signatures[slot].signature
        let example = rank < options.examplesPerSignature && !(result.filled?.contains(id) ?? false)
        if example || options.keepsEveryDivergence {
            var full = divergence()
            full.signature = Signature(id: id, text: result.signatures[slot].text)
            full.acceptedRule = shape.rule
            full.root = root
            full.note = note
            if example {
                full.controlOutcome = controlTree(.everything)
                full.candidateOutcome = candidateTree(.everything)
                result.examples.append(Example(divergence: full, slot: slot, rank: rank))
            }
            if options.keepsEveryDivergence { result.divergences.append(full) }
        }
        var counts = result.counts[place.index]
        if kind != .noise {
            if root != nil {
                result.knockOn.downstream = true
            } else if kind != .eventMismatch, result.knockOn.started == nil, unexpected?.startsChain ?? true {
                // Only a divergence of behaviour (status, value, transitions, the snapshot of the entities touched)
                // starts a chain: one in side effects alone (events, listener jobs) left equal states behind.
                result.knockOn.started = KnockOnRoot(scenario: scenario.id, seq: input.seq, signature: id)
            }
        }
        if root != nil {
            // Out of the rate altogether: the comparison this divergence was counted as is taken back.
            counts.comparisons -= 1
            counts.downstream += 1
        } else if kind == .noise {
            counts.noise += 1
        } else if shape.rule == nil {
            counts.mismatches += 1
            if kind == .rejectionMismatch, controlCode == nil, let refusal = subject.transitionRefusalCode,
               candidateCode == refusal {
                counts.stateTransitionErrors += 1
            }
        } else {
            counts.accepted += 1
        }
        if kind == .candidateError { counts.candidateErrors += 1 }
        if kind == .controlError { counts.controlErrors += 1 }
        result.counts[place.index] = counts
    }

    // MARK: Merging, in input order

    struct Merger {
        let order: [String]
        let examplesPerSignature: Int
        var counts: [String: FeatureCounts] = [:]
        var inputs: [String: [String: FeatureCounts]] = [:]
        var latency: [String: LatencyPair] = [:]
        var signatures: [String: SignatureSummary] = [:]
        var expiredRuleHits: [String: Int] = [:]
        var commands = 0
        var scenarios = 0
        var scenarioSeconds = 0.0
        var recordedIntervals: [ScenarioSpan] = []
        var syntheticCommands = 0

        init(order: [String], examplesPerSignature: Int) {
            self.order = order
            self.examplesPerSignature = examplesPerSignature
        }

        mutating func merge(_ batch: BatchResult, filled: FilledSignatures? = nil, input: String? = nil) -> BatchOutput {
            for (index, value) in batch.counts.enumerated() { counts[order[index], default: FeatureCounts()].add(value) }
            if let input {
                for (index, value) in batch.counts.enumerated() where value.comparisons > 0 {
                    inputs[input, default: [:]][order[index], default: FeatureCounts()].add(value)
                }
            }
            for (index, value) in batch.latency.enumerated() {
                guard let value else { continue }
                latency[order[index], default: LatencyPair()].record(value)
            }
            for (id, hits) in batch.expiredRuleHits { expiredRuleHits[id, default: 0] += hits }
            commands += batch.commands
            scenarios += batch.scenarios
            scenarioSeconds += batch.scenarioSeconds
            recordedIntervals += batch.recordedIntervals
            syntheticCommands += batch.syntheticCommands
            // The batch's examples are the first few of each signature in the batch; the run keeps the first
            // few overall, so an example stays if its rank plus what earlier batches saw is below the limit.
            var seenBefore: [Int] = []
            seenBefore.reserveCapacity(batch.signatures.count)
            for summary in batch.signatures {
                if var merged = signatures[summary.signature] {
                    seenBefore.append(merged.count)
                    merged.count += summary.count
                    merged.explained += summary.explained
                    merged.unexplained += summary.unexplained
                    merged.last = summary.last
                    signatures[summary.signature] = merged
                } else {
                    seenBefore.append(0)
                    signatures[summary.signature] = summary
                }
            }
            let kept = batch.examples.filter { seenBefore[$0.slot] + $0.rank < examplesPerSignature }.map(\.divergence)
            for summary in batch.signatures where (signatures[summary.signature]?.count ?? 0) >= examplesPerSignature {
                filled?.insert(summary.signature)
            }
            return BatchOutput(divergences: kept, sideEffects: batch.sideEffects, commands: batch.commands,
                               scenarios: batch.scenarios)
        }

        func totals() -> RunTotals {
            var features: [String: FeatureCounts] = [:]
            for feature in order { features[feature] = counts[feature] ?? FeatureCounts() }
            var signatures = signatures
            for summary in self.signatures.values {
                if let root = summary.downstreamOf { signatures[root]?.caused += summary.count }
            }
            let ranked = signatures.values.sorted {
                $0.count != $1.count ? $0.count > $1.count : $0.signature < $1.signature
            }
            var totals = RunTotals(features: features, featureOrder: order,
                                   latency: latency.mapValues { LatencySummary($0.control) },
                                   candidateLatency: latency.mapValues { LatencySummary($0.candidate) },
                                   signatures: ranked, expiredRuleHits: expiredRuleHits, commands: commands,
                                   scenarios: scenarios, scenarioSeconds: scenarioSeconds)
            totals.trafficSeconds = ScenarioSpan.unionLength(recordedIntervals)
            totals.syntheticCommands = syntheticCommands
            totals.repeatLatency = latency.compactMapValues(\.repeatTiming)
            totals.inputs = inputs
            return totals
        }
    }
}
