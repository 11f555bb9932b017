import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Moodle XML, Moodle's full question format, read into `InterchangeQuestion`s and written from
/// them: categories, multichoice, truefalse, shortanswer, numerical, matching, ordering, essay and
/// description, with answers' fractions and feedback, general feedback, hints, default marks and
/// embedded base64 files. Types the academy cannot hold (calculated, cloze, drag and drop, random
/// short-answer matching…) are reported by line, never half read. External entities are never
/// fetched.
public enum MoodleXML {
    public static func read(_ data: [UInt8]) -> (questions: [InterchangeQuestion], problems: [InterchangeProblem]) {
        guard String(validating: data, as: UTF8.self) != nil else {
            return ([], [InterchangeProblem(line: 0, name: "", reason: "the file is not UTF-8: save it as UTF-8 and import it again")])
        }
        let root: Node
        switch Node.parse(data) {
        case .success(let parsed): root = parsed
        case .failure(let problem): return ([], [problem])
        }
        guard root.name == "quiz" else {
            return ([], [InterchangeProblem(line: root.line, name: root.name, reason: "a Moodle XML file holds <quiz> at its root")])
        }
        var reading = InterchangeReading()
        var category: [String] = []
        for element in root.children where element.name == "question" {
            let type = element.attributes["type"] ?? ""
            if type == "category" {
                category = InterchangeQuestion.categoryPath(element.child("category")?.text ?? "")
                continue
            }
            reading.add(question(element, type: type), category: category)
        }
        return (reading.questions, reading.problems)
    }

    // MARK: Reading

    private static let formats: [String: InterchangeQuestion.TextFormat] = [
        "html": .html, "moodle_auto_format": .moodle, "plain_text": .plain, "markdown": .markdown,
    ]
    /// Moodle's types with no academy counterpart, by what a report should call them.
    private static let unsupported: [String: String] = [
        "calculated": "calculated", "calculatedsimple": "simple calculated", "calculatedmulti": "calculated multichoice",
        "multianswer": "embedded answers (cloze)", "ddwtos": "drag and drop into text", "ddimageortext": "drag and drop onto image",
        "ddmarker": "drag and drop markers", "gapselect": "select missing words", "randomsamatch": "random short-answer matching",
        "random": "random",
    ]

    private static func question(_ element: Node, type: String) -> Result<InterchangeQuestion, InterchangeProblem> {
        let name = element.child("name")?.text
        let textNode = element.child("questiontext")
        func problem(_ reason: String) -> Result<InterchangeQuestion, InterchangeProblem> {
            .failure(InterchangeProblem(line: element.line, name: name ?? String((textNode?.text ?? "").prefix(40)), reason: reason))
        }
        if let description = unsupported[type] {
            return problem("\(description) questions are not supported; nothing of this question was imported")
        }
        guard let kind = InterchangeQuestion.Kind(rawValue: type) else {
            return problem(type.isEmpty ? "a <question> needs a type" : "\(type) is not a question type Moodle XML defines")
        }
        guard let textNode else { return problem("a question needs its <questiontext>") }
        var files = textNode.children.filter { $0.name == "file" }
        var question = InterchangeQuestion(
            name: name, text: textNode.text, format: formats[textNode.attributes["format"] ?? ""] ?? .html, kind: kind,
            generalFeedback: element.child("generalfeedback")?.text.nonEmpty,
            hints: element.children.filter { $0.name == "hint" }.compactMap { $0.text.nonEmpty },
            caseSensitive: element.child("usecase")?.text == "1",
            defaultMark: element.child("defaultgrade").flatMap { Double($0.text) } ?? 1,
            line: element.line
        )
        let answers = element.children.filter { $0.name == "answer" }
        func fraction(_ answer: Node) throws -> Double {
            guard let raw = answer.attributes["fraction"], let percent = Double(raw), (-100...100).contains(percent) else {
                throw InterchangeProblem(line: answer.line, name: question.label, reason: "an <answer> needs a fraction from -100 to 100")
            }
            return (percent / 100 * 1e10).rounded() / 1e10
        }
        do {
            switch kind {
            case .multipleChoice, .trueFalse, .shortAnswer, .numerical:
                question.singleAnswer = ["true", "1"].contains(element.child("single")?.text ?? "true")
                question.answers = try answers.map { answer in
                    files += answer.children.filter { $0.name == "file" }
                    var tolerance: Double?
                    if kind == .numerical {
                        guard Double(answer.text) != nil || answer.text == "*" else {
                            throw InterchangeProblem(line: answer.line, name: question.label, reason: "\(answer.text) is not a number")
                        }
                        tolerance = answer.child("tolerance").flatMap { Double($0.text) } ?? 0
                    }
                    return .init(text: answer.text, fraction: try fraction(answer), feedback: answer.child("feedback")?.text.nonEmpty, tolerance: tolerance)
                }
                let least = kind == .multipleChoice || kind == .trueFalse ? 2 : 1
                guard question.answers.count >= least else { return problem("a \(type) question needs \(least == 2 ? "two answers or more" : "an answer")") }
            case .matching:
                question.pairs = element.children.filter { $0.name == "subquestion" }.map { pair in
                    .init(premise: pair.text, match: pair.child("answer")?.text ?? "")
                }
                guard question.pairs.filter({ !$0.premise.isEmpty }).count >= 2 else { return problem("a matching question needs two pairs or more") }
            case .ordering:
                question.answers = answers.map { .init(text: $0.text, fraction: 1) }
                guard question.answers.count >= 2 else { return problem("an ordering question needs two items or more") }
            case .essay, .description:
                break
            }
        } catch let problem as InterchangeProblem {
            return .failure(problem)
        } catch {
            return problem("\(error)")
        }
        for file in files {
            guard let fileName = file.attributes["name"], file.attributes["encoding"] == "base64",
                  let data = Data(base64Encoded: file.text, options: .ignoreUnknownCharacters)
            else { return problem("an embedded <file> needs a name and base64 content") }
            question.files.append(.init(name: fileName, data: Array(data)))
        }
        return .success(question)
    }

    /// An element with its attributes, its children, its own text (a `<text>` child's, as Moodle
    /// nests it, or its character data) and the line it starts on.
    private final class Node {
        let name: String
        let attributes: [String: String]
        let line: Int
        var children: [Node] = []
        var characters = ""

        init(name: String, attributes: [String: String], line: Int) {
            self.name = name
            self.attributes = attributes
            self.line = line
        }

        func child(_ name: String) -> Node? {
            children.first { $0.name == name }
        }

        var text: String {
            (child("text")?.characters ?? characters).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func parse(_ data: [UInt8]) -> Result<Node, InterchangeProblem> {
            let builder = TreeBuilder()
            let parser = XMLParser(data: Data(data))
            parser.shouldResolveExternalEntities = false
            parser.delegate = builder
            // libxml2 may recover from a mismatched tag and still report success: any error fails.
            guard parser.parse(), builder.errorLine == nil, let root = builder.root else {
                return .failure(InterchangeProblem(line: builder.errorLine ?? parser.lineNumber, name: "", reason: "the XML is not well formed"))
            }
            return .success(root)
        }
    }

    /// Builds the tree as the parser reports elements (a parse runs on one thread, start to end).
    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: Node?
        var stack: [Node] = []
        var errorLine: Int?

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if errorLine == nil { errorLine = parser.lineNumber }
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let node = Node(name: elementName, attributes: attributes, line: parser.lineNumber)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if stack.last?.name != elementName, errorLine == nil { errorLine = parser.lineNumber }
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.characters += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.characters += String(decoding: CDATABlock, as: UTF8.self)
        }
    }

    // MARK: Writing

    /// The questions as a Moodle XML file, with a category question wherever the category changes.
    public static func write(_ questions: [InterchangeQuestion]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n"
        var category: [String] = []
        for question in questions {
            if question.category != category {
                let path = (["$course$", "top"] + question.category).joined(separator: "/")
                xml += "  <question type=\"category\">\n    <category><text>\(XMLText.escaped(path))</text></category>\n  </question>\n"
                category = question.category
            }
            xml += written(question)
        }
        return xml + "</quiz>\n"
    }

    private static func written(_ question: InterchangeQuestion) -> String {
        let format = formats.first { $0.value == question.format }?.key ?? "html"
        var xml = "  <question type=\"\(question.kind.rawValue)\">\n"
        xml += "    <name><text>\(XMLText.escaped(question.name ?? question.label))</text></name>\n"
        xml += "    <questiontext format=\"\(format)\"><text>\(cdata(question.text))</text>"
        for file in question.files {
            xml += "<file name=\"\(XMLText.escaped(file.name))\" path=\"/\" encoding=\"base64\">\(Data(file.data).base64EncodedString())</file>"
        }
        xml += "</questiontext>\n"
        if let feedback = question.generalFeedback {
            xml += "    <generalfeedback format=\"\(format)\"><text>\(cdata(feedback))</text></generalfeedback>\n"
        }
        xml += "    <defaultgrade>\(TypedNumber.text(question.defaultMark))</defaultgrade>\n"
        switch question.kind {
        case .multipleChoice:
            xml += "    <single>\(question.singleAnswer)</single>\n"
        case .shortAnswer:
            xml += "    <usecase>\(question.caseSensitive ? 1 : 0)</usecase>\n"
        default:
            break
        }
        for answer in question.answers {
            let percent = TypedNumber.text((answer.fraction * 100 * 100_000).rounded() / 100_000)
            xml += "    <answer fraction=\"\(percent)\" format=\"\(format)\"><text>\(cdata(answer.text))</text>"
            if let tolerance = answer.tolerance { xml += "<tolerance>\(TypedNumber.text(tolerance))</tolerance>" }
            if let feedback = answer.feedback { xml += "<feedback format=\"\(format)\"><text>\(cdata(feedback))</text></feedback>" }
            xml += "</answer>\n"
        }
        for pair in question.pairs {
            xml += "    <subquestion format=\"\(format)\"><text>\(cdata(pair.premise))</text><answer><text>\(cdata(pair.match))</text></answer></subquestion>\n"
        }
        for hint in question.hints {
            xml += "    <hint format=\"\(format)\"><text>\(cdata(hint))</text></hint>\n"
        }
        return xml + "  </question>\n"
    }

    /// A CDATA section; a `]]>` inside is split across two.
    private static func cdata(_ text: String) -> String {
        "<![CDATA[" + text.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>") + "]]>"
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
