import AcademyCore
import Testing

@Suite struct LanguagesTests {
    let available = ["ar", "en", "fr", "pt"]

    func pick(query: String? = nil, header: String? = nil, locale: String? = nil, fallback: String = "ar") -> String {
        Languages.negotiate(query: query, acceptLanguage: header, userLocale: locale, available: available, fallback: fallback)
    }

    @Test func followsTheContractsOrder() {
        #expect(pick(query: "fr", header: "en", locale: "pt") == "fr")
        #expect(pick(header: "en", locale: "pt") == "en")
        #expect(pick(locale: "pt") == "pt")
        #expect(pick() == "ar")
    }

    @Test func skipsPreferencesNotOnOffer() {
        #expect(pick(query: "tr", header: "de, fr;q=0.5") == "fr")
        #expect(pick(query: "klingon!!", locale: "en") == "en")
    }

    @Test func honoursQValuesAndOrder() {
        #expect(pick(header: "fr;q=0.4, en;q=0.9, pt;q=0.9") == "en")
        #expect(pick(header: "en;q=0, fr") == "fr")
        #expect(pick(header: "en;q=0.1, fr;q=0.2") == "fr")
    }

    @Test func matchesRegionsAndCaseByLanguage() {
        #expect(pick(header: "pt-BR,pt;q=0.9") == "pt")
        #expect(pick(header: "AR-eg") == "ar")
        #expect(pick(query: "EN-gb") == "en")
    }

    @Test func aWildcardTakesTheDefault() {
        #expect(pick(header: "de, *;q=0.5", fallback: "en") == "en")
        #expect(Languages.negotiate(query: nil, acceptLanguage: "*", userLocale: nil, available: ["fr"], fallback: "ar") == "fr")
    }

    @Test(arguments: [";;;", "en;q=2", "en;q=abc", "12-34", "=,=", String(repeating: "x", count: 300), "en-", "en_US"])
    func malformedHeadersAreIgnored(header: String) {
        #expect(pick(header: header, locale: "pt") == "pt")
    }

    @Test func directions() {
        #expect(Languages.direction(of: "ar") == .rtl)
        #expect(Languages.direction(of: "ur") == .rtl)
        #expect(Languages.direction(of: "ar-EG") == .rtl)
        #expect(Languages.direction(of: "ms") == .ltr)
        #expect(Languages.direction(of: "tr") == .ltr)
    }

    @Test func aMissingTranslationFallsBackToTheDefaultLanguageNeverAnother() {
        let texts = ["ar": "الحروف", "en": "Letters", "fr": "Lettres"]
        #expect(Languages.text(texts, in: "fr", fallback: "ar") == "Lettres")
        // Urdu is missing: the default, whatever order the dictionary keeps.
        #expect(Languages.text(texts, in: "ur", fallback: "ar") == "الحروف")
        #expect(Languages.text(["en": "Letters"], in: "ur", fallback: "ar") == nil)
    }
}
