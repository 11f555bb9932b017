import AcademyCore
import Foundation
import Hummingbird

/// What every localized read says about its language (API.md "Languages").
struct LanguageChoice {
    let language: String
    let available: [String]
    /// The course's default language, for a text that lacks `language`.
    let fallback: String

    var direction: Languages.Direction { Languages.direction(of: language) }

    /// Chooses among `available` for this request: `?lang=`, `Accept-Language`, the user's
    /// locale, then `fallback`.
    init(request: Request, context: AppRequestContext, available: some Collection<String>, fallback: String) {
        let sorted = available.sorted()
        self.available = sorted
        self.fallback = fallback
        language = Languages.negotiate(
            query: request.uri.queryParameters.get("lang"),
            acceptLanguage: request.headers[.acceptLanguage],
            userLocale: context.principal?.locale,
            available: sorted,
            fallback: fallback
        )
    }

    /// The text of `texts` to serve: in the chosen language, else in the course's default.
    func text<Text>(_ texts: [String: Text]) -> Text? {
        Languages.text(texts, in: language, fallback: fallback)
    }

    /// Sets `Content-Language` and `Vary: Accept-Language` on a localized response.
    func apply<Body: ResponseGenerator>(to body: Body) -> EditedResponse<Body> {
        EditedResponse(headers: [.contentLanguage: language, .vary: "Accept-Language"], response: body)
    }
}
