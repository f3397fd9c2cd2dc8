@testable import ShadowReport
import Testing

@Suite struct TemplateTests {
    @Test func escapesDoubleBracesAndKeepsTripleBracesAsTheyAre() {
        let template = Template("<title>{{title}}</title>{{{body}}}")
        #expect(template.render(["title": "a<b & \"c\"", "body": "<p>x</p>"])
                == "<title>a&lt;b &amp; &quot;c&quot;</title><p>x</p>")
    }

    @Test func aPlaceholderAloneOnItsLineTakesItsNewline() {
        let template = Template("<body>\n{{{a}}}\n{{{b}}}\n<main>{{c}}\n</main>\n")
        #expect(template.render(["a": "A\n", "b": "", "c": "C"]) == "<body>\nA\n<main>C\n</main>\n")
        #expect(template.names == ["a", "b", "c"])
    }

    @Test func thePageAndItsStyleAreResources() {
        #expect(HTMLReport.page.names == ["title", "css", "header", "meta", "warnings", "features", "signatures", "charts",
                                          "criteria", "details", "generated", "version"])
        #expect(HTMLReport.style.hasPrefix(":root{"))
        #expect(!HTMLReport.style.hasSuffix("\n"))
    }
}
