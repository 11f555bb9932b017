import AcademyCore
import Testing

@Suite struct MultilangTests {
    @Test func multilangSpansBecomeOneTextPerLanguageWithTheSharedPartsInEach() {
        let text = #"<p><span lang="ar" class="multilang">ما أول حرف؟</span><span class="multilang" lang="en">Which letter is first?</span></p><img src="@@PLUGINFILE@@/alif.png">"#
        #expect(Multilang.translations(of: text, fallback: "ar") == [
            "ar": #"<p>ما أول حرف؟</p><img src="@@PLUGINFILE@@/alif.png">"#,
            "en": #"<p>Which letter is first?</p><img src="@@PLUGINFILE@@/alif.png">"#,
        ])
    }

    @Test func mlangBlocksWithSeveralCodesAndOther() {
        let text = "{mlang en,fr}Alif{mlang}{mlang pt_br}Álife{mlang}{mlang other}الألف{mlang} (1)"
        #expect(Multilang.translations(of: text, fallback: "ar") == ["en": "Alif (1)", "fr": "Alif (1)", "pt": "Álife (1)", "ar": "الألف (1)"])
        // A language named explicitly does not also get the `other` block.
        #expect(Multilang.translations(of: "{mlang ar}أ{mlang}{mlang other}A{mlang}", fallback: "ar") == ["ar": "أ"])
    }

    @Test func textWithoutBlocksIsOneText() {
        #expect(Multilang.translations(of: "<p>Plain <span lang=\"ar\">عربي</span></p>", fallback: "en") == nil)
    }
}
