import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

/// A subject that generated LMS traffic can be sent to: the built-in pair as it is, an external pair as the
/// ops and fields of the scenario format.
protocol GeneratedTrafficSubject: ShadowSubject {
    func command(_ generated: LMSCommand) -> Command
}

extension LMSSubject: GeneratedTrafficSubject {
    func command(_ generated: LMSCommand) -> LMSCommand { generated }
}

extension TreeSubject: GeneratedTrafficSubject {
    func command(_ generated: LMSCommand) -> TreeCommand { Self.command(generated) }
}

extension GeneratedTrafficSubject {
    /// Generated traffic of `seed` as this subject's scenarios.
    func generatedSource(seed: UInt64, count: Int) -> MappedSource<GeneratedSource, Command> {
        MappedSource(GeneratedSource(seed: seed, count: count), transform: command)
    }

    /// One scenario by id, regenerated from a seed or read from a file (`replay`, `shrink`, reports).
    func findScenario(id: String, file: String?, seed: UInt64?) throws -> ScenarioInput<Command>? {
        if let seed {
            guard let scenario = GeneratedSource.scenario(id: id, seed: seed) else { return nil }
            var source = MappedSource(ScenarioList([scenario]), transform: command)
            return try source.nextScenario()
        }
        var reader = try ScenarioReader(path: file ?? "", subject: self)
        return try reader.scenario(withID: id)
    }
}

/// One scenario by id of the built-in pair.
func findScenario(id: String, file: String?, seed: UInt64?) throws -> ScenarioInput<LMSCommand>? {
    try LMSSubject().findScenario(id: id, file: file, seed: seed)
}

/// Where `gate`, `advance` and `report` look for the success-criteria table unless given `--criteria`: relative
/// to the working directory, so it is found from the project's root.
let defaultCriteriaPath = "scenarios/success-criteria.md"

/// The criteria table and the gate built on it; a table that cannot be read exits 66, one that does not parse 65.
func loadCriteria(_ path: String, coverage: String? = nil) throws -> (table: CriteriaTable, evaluator: GateEvaluator) {
    let hint = path != defaultCriteriaPath ? "" : " (the default path is relative to the working directory: "
        + "run from the project's root, or give --criteria FILE)"
    let text = try ConfigFile.text(path: path, unreadable: "cannot read the criteria table" + hint)
    let table = try CriteriaTable.parse(text, file: path)
    return (table, try GateEvaluator(table: table, coverage: try coverage.map(CoverageExport.lineCoverage)))
}
