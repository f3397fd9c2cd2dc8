import Foundation

/// What the engine needs from a system under comparison: two implementations of the same commands.
///
/// The engine never looks inside a command or an outcome except through these functions, so it knows
/// nothing about the domain. Equality on the typed parts decides the common case (agreement) without
/// touching JSON; trees are built only for the few commands that differ.
public protocol ShadowSubject: Sendable {
    associatedtype Command: Sendable
    associatedtype Outcome: Sendable
    associatedtype ControlWorld
    associatedtype CandidateWorld

    /// Short name shown in reports (`lms`).
    var name: String { get }
    /// The features compared per operation, in display order (without the side-effects feature).
    var features: [String] { get }
    /// The feature every command's side effects are compared under (`domain_events`), if any.
    var sideEffectsFeature: String? { get }
    /// Rejection code the candidate uses for a refused state transition (`invalid_transition`).
    var transitionRefusalCode: String? { get }

    /// Turns a parsed scenario line into a command; unknown ops and bad fields are ``FieldError``s.
    func decode(_ line: ScenarioLine) throws(FieldError) -> Command
    /// The op name and fields of a command, for writing scenario files.
    func encode(_ command: Command) -> (op: String, fields: [String: JSONValue])
    /// The feature a command is compared under; `nil` for commands that are applied but not compared.
    func feature(of command: Command) -> String?
    /// Seconds a command moves the scenario clock forward (`clock.advance`), or `nil`.
    func clockAdvance(of command: Command) -> Double?

    func makeControlWorld() -> ControlWorld
    func makeCandidateWorld() -> CandidateWorld
    /// Applies a command to the control (legacy) world. A thrown error is a control *error* (a crash), not a rejection.
    func applyControl(_ command: Command, to world: inout ControlWorld, now: Date) throws -> Outcome
    /// Applies a command to the candidate (modern) world. A thrown error is a candidate error.
    func applyCandidate(_ command: Command, to world: inout CandidateWorld, now: Date) throws -> Outcome

    /// Typed comparison of the behaviour (everything but side effects).
    func behavioursEqual(_ control: Outcome, _ candidate: Outcome) -> Bool
    /// Typed comparison of side effects.
    func sideEffectsEqual(_ control: Outcome, _ candidate: Outcome) -> Bool
    /// The behaviour as a tree with stable field names (`$.value.percent`).
    func behaviourTree(_ outcome: Outcome) -> JSONValue
    /// The side effects as a tree (`$.events[2].name`).
    func sideEffectsTree(_ outcome: Outcome) -> JSONValue
    /// Diffs the behaviours of two outcomes the typed equality found different. The default diffs
    /// ``behaviourTree(_:)``s; a subject may walk its own types instead (same entries, no trees).
    func diffBehaviour(_ control: Outcome, _ candidate: Outcome, into diff: inout DiffBuilder)
    /// Diffs the side effects of two outcomes the typed equality found different (default: their trees).
    func diffSideEffects(_ control: Outcome, _ candidate: Outcome, into diff: inout DiffBuilder)
    /// The whole outcome as a tree, for storage and reports.
    func outcomeTree(_ outcome: Outcome) -> JSONValue
    /// The parts of ``outcomeTree(_:)`` that `selection` names: what an accepted rule's value constraints read.
    /// Looking up a selected path must give what it gives in the whole tree. The default builds the whole tree;
    /// a subject that derives its trees from `Codable` types builds only the parts
    /// (``JSONValueEncoder/tree(of:selecting:)``).
    func outcomeTree(_ outcome: Outcome, selecting selection: TreeSelection) -> JSONValue
    /// The rejection code if the command was refused, `nil` if it was carried out.
    func rejectionCode(_ outcome: Outcome) -> String?
    /// What the candidate wrote to its event log, transition log and failed-jobs table.
    func records(_ outcome: Outcome) -> SideEffectRecords

    /// Called before the commands of a scenario (or of one part of a long one) are applied, with the time each
    /// runs at. An external subject resets its workers at a scenario's first part and sends requests ahead;
    /// the built-in subject needs nothing. Throws ``SubjectFailure`` (or any error: the run aborts).
    func begin(_ scenario: ScenarioInput<Command>, times: [Double], control: inout ControlWorld,
               candidate: inout CandidateWorld) throws
    /// ``begin(_:times:control:candidate:)`` with, per command, the quirks the counterfactual check would ask
    /// ``applyControl(_:without:on:now:)`` to switch off (empty: the check never runs on that command). For a
    /// subject that must compute counterfactuals ahead (a worker's requests are pipelined: it sends `without`
    /// probes with the commands). The runner calls this one; the default ignores `probes`.
    func begin(_ scenario: ScenarioInput<Command>, times: [Double], probes: (Command) -> Set<String>,
               control: inout ControlWorld, candidate: inout CandidateWorld) throws
    /// The time the implementation itself reports for an outcome (a worker's `durationNs`), used for latency
    /// instead of the wall time around the call, which means nothing when requests are pipelined.
    func reportedDuration(_ outcome: Outcome) -> UInt64?
    /// Paths (`$.value.token`) where the control's outcome differed from a second control's on the same
    /// command: a difference there is noise, not evidence about the candidate.
    func noisePaths(_ control: Outcome) -> Set<String>
    /// Whether the runner may keep a second control world on a sample of scenarios and time the control on it
    /// too (A/A timing). Only for subjects whose worlds are independent values in this process; default false.
    var timesControlTwice: Bool { get }
    /// The time a second control reported for the same command (a worker's `--secondary`), for A/A timing.
    func secondaryDuration(_ control: Outcome) -> UInt64?
    /// Listener jobs that failed in an outcome (default: counted from ``records(_:)``).
    func failedJobCount(_ outcome: Outcome) -> Int

    /// The entity keys the command touched (`course:7`, `enrollment:3:7`), to trace a divergence back to an
    /// earlier divergence of the same scenario on the same entities (its root; see ``KnockOnRoot``). Called after
    /// both sides applied the command, with the control's result and world, and only in a scenario that already
    /// diverged or on a command that diverges. The default, `["*"]`, makes the whole scenario one entity.
    func entities(of command: Command, control: Result<Outcome, any Error>, world: ControlWorld) -> [String]

    /// Quirks (ids, as accepted rules and tolerances name them) the control can switch off for the
    /// counterfactual check. Empty (the default): the subject cannot, and accepted divergences stay *unexplained*.
    var switchableQuirks: Set<String> { get }
    /// The control's outcome for `command` with `quirks` switched off (each behaving as the candidate intends),
    /// applied to `world`: the control's world as it was before the command (a copy; what happens to it is
    /// thrown away). `nil` when the subject cannot (the default). A thrown error is a control crash.
    func applyControl(_ command: Command, without quirks: Set<String>, on world: ControlWorld, now: Date) throws -> Outcome?
    /// The same, applied in place to `world`, which goes on from there: the corrected world the knock-on check
    /// keeps (a control world run without `quirks` from an explained root on). `nil`, leaving `world` as it was,
    /// when the subject cannot (the default).
    func applyControl(_ command: Command, without quirks: Set<String>, to world: inout ControlWorld, now: Date) throws
        -> Outcome?
    /// The switchable quirks whose trigger occurred in the control's last apply on `world` (the quirk's behaviour
    /// made a difference there). On a command where both sides agree, the runner checks each such quirk that a
    /// rule says the candidate fixes: a candidate that agrees with the quirk reproduces it. Empty (the default):
    /// the subject cannot say, and agreements are not checked.
    func triggeredQuirks(in world: ControlWorld) -> [String]

    /// Compares every scenario of a stored run (``RecordedRun``): the runner's
    /// ``ShadowRunner/run(_:sink:progress:)``, and nothing else. Subjects should not implement it (an override
    /// must do just that call). It is a requirement so that its witness is compiled in the module that conforms:
    /// there the subject's type is known and, in release builds, the runner's body is visible (ShadowKit is built
    /// with cross-module optimisation), so the runner is specialised for the subject even though its callers
    /// (`RecordedRun`, and the CLI, which is not optimised in release builds) are generic.
    func compareAll(_ source: inout ChainedSource<Command>, with runner: ShadowRunner<Self>,
                    sink: inout BackgroundSink<StoreSink>, progress: (Int) -> Void) async throws -> RunTotals
}

extension ShadowSubject {
    public func begin(_ scenario: ScenarioInput<Command>, times: [Double], control: inout ControlWorld,
                      candidate: inout CandidateWorld) throws {}

    public func begin(_ scenario: ScenarioInput<Command>, times: [Double], probes: (Command) -> Set<String>,
                      control: inout ControlWorld, candidate: inout CandidateWorld) throws {
        try begin(scenario, times: times, control: &control, candidate: &candidate)
    }

    public func reportedDuration(_ outcome: Outcome) -> UInt64? { nil }

    public func outcomeTree(_ outcome: Outcome, selecting selection: TreeSelection) -> JSONValue {
        outcomeTree(outcome)
    }

    public func noisePaths(_ control: Outcome) -> Set<String> { [] }

    public var timesControlTwice: Bool { false }

    public func secondaryDuration(_ control: Outcome) -> UInt64? { nil }

    public func failedJobCount(_ outcome: Outcome) -> Int { records(outcome).failedJobs.count }

    public func entities(of command: Command, control: Result<Outcome, any Error>, world: ControlWorld) -> [String] {
        [KnockOnChains.wholeScenario]
    }
    public var switchableQuirks: Set<String> { [] }

    public func applyControl(_ command: Command, without quirks: Set<String>, on world: ControlWorld,
                             now: Date) throws -> Outcome? { nil }

    public func applyControl(_ command: Command, without quirks: Set<String>, to world: inout ControlWorld,
                             now: Date) throws -> Outcome? { nil }

    public func triggeredQuirks(in world: ControlWorld) -> [String] { [] }

    public func compareAll(_ source: inout ChainedSource<Command>, with runner: ShadowRunner<Self>,
                           sink: inout BackgroundSink<StoreSink>, progress: (Int) -> Void) async throws -> RunTotals {
        try await runner.run(&source, sink: &sink, progress: progress)
    }

    public func diffBehaviour(_ control: Outcome, _ candidate: Outcome, into diff: inout DiffBuilder) {
        diff.trees(behaviourTree(control), behaviourTree(candidate))
    }

    public func diffSideEffects(_ control: Outcome, _ candidate: Outcome, into diff: inout DiffBuilder) {
        diff.trees(sideEffectsTree(control), sideEffectsTree(candidate))
    }
}

/// Rows for the `domain_event_log`, `state_transitions` and `failed_jobs` tables, from one outcome.
public struct SideEffectRecords: Sendable, Equatable {
    /// A row of `domain_event_log`.
    public struct Event: Sendable, Equatable {
        public var name: String
        public var payloadJSON: String
        public init(name: String, payloadJSON: String) {
            self.name = name
            self.payloadJSON = payloadJSON
        }
    }

    /// A row of `state_transitions`.
    public struct Transition: Sendable, Equatable {
        public var entity: String
        public var entityId: String
        public var from: String
        public var to: String
        public init(entity: String, entityId: String, from: String, to: String) {
            self.entity = entity
            self.entityId = entityId
            self.from = from
            self.to = to
        }
    }

    /// A row of `failed_jobs`.
    public struct FailedJob: Sendable, Equatable {
        public var job: String
        public var event: String
        public var error: String
        public init(job: String, event: String, error: String) {
            self.job = job
            self.event = event
            self.error = error
        }
    }

    public var events: [Event]
    public var transitions: [Transition]
    public var failedJobs: [FailedJob]

    public init(events: [Event] = [], transitions: [Transition] = [], failedJobs: [FailedJob] = []) {
        self.events = events
        self.transitions = transitions
        self.failedJobs = failedJobs
    }
}
