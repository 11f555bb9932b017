import AcademyCore
import Foundation

/// One language's texts in an authoring form, shown side by side with the others: each column
/// typed in its own direction, the main language first.
struct TranslationColumn {
    let code: String
    let name: String
    let dir: String
    let isDefault: Bool
    let title: String
    /// A course's summary or a lesson's Markdown.
    let body: String
    let titleInvalid: Bool
    let bodyInvalid: Bool
    /// A lesson's Markdown as students will read it, when a preview was asked for.
    let preview: String?
}

/// The texts a form holds by language, read from the form's `title-<code>` and `body-<code>`
/// fields; a language whose fields are all empty is not one of the translations.
struct TranslatedTexts {
    var values: [String: (title: String, body: String)] = [:]

    init(_ values: [String: (title: String, body: String)]) {
        self.values = values
    }

    init(fields: FormFields, languages: [String]) {
        for language in languages {
            let title = fields.text("title-\(language)")
            let body = fields.first("body-\(language)") ?? ""
            if !title.isEmpty || !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                values[language] = (title, body)
            }
        }
    }

    /// `bodyField` names the body in field errors: `summary` or `body_markdown`.
    func columns(
        languages: [String], defaultLanguage: String, names: (String) -> String, problems: FormProblems,
        bodyField: String, previews: [String: String] = [:]
    ) -> [TranslationColumn] {
        let ordered = [defaultLanguage] + languages.filter { $0 != defaultLanguage }
        return ordered.map { code in
            TranslationColumn(
                code: code, name: names(code), dir: Languages.direction(of: code).rawValue, isDefault: code == defaultLanguage,
                title: values[code]?.title ?? "", body: values[code]?.body ?? "",
                titleInvalid: problems.isInvalid("translations.\(code).title") || problems.isInvalid("translations.\(code)"),
                bodyInvalid: problems.isInvalid("translations.\(code).\(bodyField)"),
                preview: previews[code]
            )
        }
    }
}
