import Foundation
import LMS
import LMSShadow
import ShadowKit
import ShadowReport
import ShadowRollout

/// One scenario by id, regenerated from a seed or read from a file (`replay`, `shrink`, reports).
func findScenario(id: String, file: String?, seed: UInt64?) throws -> ScenarioInput<LMSCommand>? {
    if let seed { return GeneratedSource.scenario(id: id, seed: seed) }
    var reader = try ScenarioReader(path: file ?? "", subject: LMSSubject())
    return try reader.scenario(withID: id)
}

/// The criteria table and the gate built on it; read and parse errors are malformed input (exit 65).
func loadCriteria(_ path: String, coverage: String? = nil) throws -> (table: CriteriaTable, evaluator: GateEvaluator) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw LocatedError(file: path, message: "cannot read the criteria table")
    }
    let table = try CriteriaTable.parse(text, file: path)
    return (table, try GateEvaluator(table: table, coverage: try coverage.map(CoverageExport.lineCoverage)))
}
