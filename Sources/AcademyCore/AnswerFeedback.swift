extension QuizQuestion {
    /// The per-answer feedback `response` earns, from `text` (this question in one language):
    /// every chosen option's, or the first accepted text or number the response matches.
    public func answerFeedback(for response: QuestionResponse?, in text: QuestionText) -> [String] {
        guard let response, let entries = text.answerFeedback, !entries.isEmpty else { return [] }
        switch (kind, response) {
        case (.singleChoice, .option(let id)):
            return entries.filter { $0.answer == id }.map(\.feedback)
        case (.multipleChoice, .options(let ids)):
            return entries.filter { ids.contains($0.answer) }.map(\.feedback)
        case (.trueFalse, .value(let value)):
            return entries.filter { $0.answer.lowercased() == String(value) }.map(\.feedback)
        case (.shortText, .text(let given)):
            let comparable = { (text: String) in
                Grading.comparable(text, caseSensitive: answer.caseSensitive ?? false, normalization: answer.normalize ?? .standard)
            }
            let response = comparable(given)
            return entries.first { Grading.matches(comparable($0.answer), response) }.map { [$0.feedback] } ?? []
        case (.numeric, .number(let given)):
            return entries.first { entry in
                // Moodle's `*` answer: any other number.
                if entry.answer == "*" { return true }
                guard let value = TypedNumber.parse(entry.answer) else { return false }
                return abs(given - value) <= tolerance(of: value)
            }.map { [$0.feedback] } ?? []
        default:
            return []
        }
    }

    /// The tolerance the key gives `value`: the right one's, a partly right one's, or none.
    private func tolerance(of value: Double) -> Double {
        if case .number(let right) = answer.value, right == value { return answer.tolerance ?? 0 }
        return answer.partialValues?.first { $0.value == value }?.tolerance ?? 0
    }
}
