import Foundation

/// The quirks of a run's rules, worked out once when the runner is made: the counterfactual check asks for them
/// on every command that may need it, and a rule's quirk ids (its `quirk:` list, or the longest prefix of its id
/// that is a switchable quirk) cost string splitting each time.
struct QuirkPlan: Sendable {
    /// The quirks the subject can switch off.
    let switchable: Set<String>
    /// Per accepted rule (by index): its quirk ids as ``AcceptedRule/quirkIds(known:)`` gives them.
    let own: [[String]]
    /// Per op: the switchable quirks of the unexpired rules without `when` for it, and the indices of the
    /// unexpired rules with `when` (decided per command).
    let byOp: [String: (always: Set<String>, conditional: [Int])]
    /// The switchable quirks the comparator's tolerances stand for.
    let tolerance: Set<String>
    /// Every switchable quirk an unexpired rule or a tolerance names: what the corrected world runs without.
    let all: Set<String>

    init(rules: AcceptedRules, tolerances: [Tolerance], day: String, switchable: Set<String>) {
        self.switchable = switchable
        own = rules.rules.map { $0.quirkIds(known: switchable) }
        var byOp: [String: (always: Set<String>, conditional: [Int])] = [:]
        var all = Set(tolerances.compactMap(\.quirk)).intersection(switchable)
        tolerance = all
        for (index, rule) in rules.rules.enumerated() where !rule.isExpired(on: day) {
            let quirks = own[index].filter(switchable.contains)
            all.formUnion(quirks)
            for op in rule.ops {
                var entry = byOp[op] ?? (always: [], conditional: [])
                if rule.when.isEmpty { entry.always.formUnion(quirks) } else { entry.conditional.append(index) }
                byOp[op] = entry
            }
        }
        self.byOp = byOp
        self.all = all
    }
}
