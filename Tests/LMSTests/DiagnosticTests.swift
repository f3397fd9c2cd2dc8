import Testing
import LMS

@Suite struct DiagnosticTests {
    @Test func dump() {
        var out = ""
        for quirk in LegacyQuirk.all {
            out += "## `\(quirk.id)`\n\nFeatures: " + quirk.features.map { "`\($0.rawValue)`" }.joined(separator: ", ") + "\n\n"
            out += "- **Legacy** " + quirk.legacy + "\n- **Modern** " + quirk.modern + "\n- **Why** " + quirk.why + "\n\n"
            out += "```jsonl\n" + quirk.trigger.map(scenarioLine).joined(separator: "\n") + "\n```\n\n"
        }
        print(out)
    }
}
