import Foundation

/// A status an explicit state machine moves between.
public protocol MachineState: RawRepresentable, Hashable, Sendable, CaseIterable where RawValue == String {}

/// An explicit transition table: the only moves an entity may make. Anything not listed is refused.
public struct StateMachine<State: MachineState>: Sendable {
    public let entity: String
    public let allowed: [State: Set<State>]

    init(entity: String, allowed: [State: Set<State>]) {
        self.entity = entity
        self.allowed = allowed
    }

    package func canMove(from: State, to: State) -> Bool { allowed[from]?.contains(to) ?? false }

    /// The transition record, or the refusal naming both states.
    public func move(_ id: String, from: State, to: State) -> Result<StateTransition, TransitionRefused> {
        guard canMove(from: from, to: to) else {
            return .failure(TransitionRefused(entity: entity, id: id, from: from.rawValue, to: to.rawValue))
        }
        return .success(StateTransition(entity: entity, id: id, from: from.rawValue, to: to.rawValue))
    }
}

/// A transition the table does not allow; becomes a rejection with code `invalid_transition`.
public struct TransitionRefused: Error, Sendable, Equatable {
    public let entity: String
    public let id: String
    public let from: String
    public let to: String

    public var outcome: Outcome {
        .rejected(ErrorCode.invalidTransition, "cannot move \(entity) \(id) from \(from) to \(to)")
    }
}

/// Course lifecycle: draft → published → archived, archived → draft (restore), published → draft (unpublish).
public enum CourseStatus: String, MachineState {
    case draft, published, archived

    public static let machine = StateMachine<CourseStatus>(entity: "course", allowed: [
        .draft: [.published, .archived],
        .published: [.draft, .archived],
        .archived: [.draft],
    ])
}

/// Enrollment lifecycle: active → completed | cancelled | expired; cancelled or expired → active (reactivate).
public enum EnrollmentStatus: String, MachineState {
    case active, completed, cancelled, expired

    public static let machine = StateMachine<EnrollmentStatus>(entity: "enrollment", allowed: [
        .active: [.completed, .cancelled, .expired],
        .cancelled: [.active],
        .expired: [.active],
        .completed: [],
    ])
}

/// Quiz attempt lifecycle: in_progress → submitted → graded; in_progress → expired | abandoned.
public enum AttemptStatus: String, MachineState {
    case inProgress = "in_progress"
    case submitted, graded, expired, abandoned

    public static let machine = StateMachine<AttemptStatus>(entity: "attempt", allowed: [
        .inProgress: [.submitted, .expired, .abandoned],
        .submitted: [.graded],
        .graded: [],
        .expired: [],
        .abandoned: [],
    ])
}
