import AcademyCore
import Foundation
import Yams

/// Quiz files hold the fields of the API's quiz body, in YAML. They are read as a JSON tree for
/// the API's own strict decoder and rules, so a folder and a request are checked the same way, and
/// every problem, named there by its dotted path (`questions.2.answer.option_id`), is located here
/// by line through the YAML it came from.
enum YAMLTree {
    /// The document as JSON: quoted scalars are text; plain ones are numbers, booleans or null
    /// when YAML reads them so (`yes` too), text otherwise. The composer shares an anchored node
    /// wherever it is aliased, so nested aliases written out grow exponentially (a "billion
    /// laughs"): past `limit` values the file is refused. The largest valid quiz (500 questions, 8
    /// languages, 26 options each) has about 350,000.
    static func json(from node: Node, file: String, limit: Int = 600_000) -> Result<JSONValue, FolderProblem> {
        var budget = limit
        do {
            return .success(try json(from: node, file: file, budget: &budget))
        } catch let problem as FolderProblem {
            return .failure(problem)
        } catch {
            return .failure(FolderProblem(file: file, line: nil, message: "\(error)"))
        }
    }

    private static func json(from node: Node, file: String, budget: inout Int) throws -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw FolderProblem(file: file, line: node.mark?.line, message: "holds too many values (YAML aliases are not supported; write the values out)")
        }
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw FolderProblem(file: file, line: key.mark?.line, message: "a key must be plain text")
                }
                guard object[name] == nil else {
                    throw FolderProblem(file: file, line: key.mark?.line, message: "\(name) is given twice")
                }
                object[name] = try json(from: value, file: file, budget: &budget)
            }
            return .object(object)
        case .sequence(let sequence):
            return .array(try sequence.map { try json(from: $0, file: file, budget: &budget) })
        case .alias:
            throw FolderProblem(file: file, line: node.mark?.line, message: "YAML aliases are not supported; write the value out")
        }
    }

    /// The line of the deepest node on `path` (dotted, indexes from 0), for a problem's location.
    static func line(of path: String, in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for component in path.split(separator: ".").map(String.init) {
            if let mapping = node.mapping, let next = mapping[component] {
                node = next
            } else if let sequence = node.sequence, let index = Int(component), sequence.indices.contains(index) {
                node = sequence[index]
            } else {
                break
            }
            line = node.mark?.line ?? line
        }
        return line
    }

    /// `value` as block YAML: mappings by `order` of their keys, lists of plain values on one line,
    /// every text double-quoted. Written the same way every time, so exports compare byte for byte.
    static func yaml(_ value: [String: JSONValue], order: (String) -> (Int, String)) -> String {
        block(value, indent: "", order: order).joined(separator: "\n") + "\n"
    }

    private static func block(_ object: [String: JSONValue], indent: String, order: (String) -> (Int, String)) -> [String] {
        var lines: [String] = []
        for key in object.keys.sorted(by: { order($0) < order($1) }) {
            let value = object[key] ?? .null
            let name = key.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") } ? key : CourseFolderWriter.quoted(key)
            switch value {
            case .object(let nested) where !nested.isEmpty:
                lines.append("\(indent)\(name):")
                lines += block(nested, indent: indent + "  ", order: order)
            case .array(let elements) where elements.contains(where: \.isCollection):
                lines.append("\(indent)\(name):")
                for element in elements {
                    lines += sequenceEntry(element, indent: indent + "  ", order: order)
                }
            default:
                lines.append("\(indent)\(name): \(inline(value))")
            }
        }
        return lines
    }

    private static func sequenceEntry(_ value: JSONValue, indent: String, order: (String) -> (Int, String)) -> [String] {
        guard case .object(let object) = value, !object.isEmpty else { return ["\(indent)- \(inline(value))"] }
        var lines = block(object, indent: indent + "  ", order: order)
        lines[0] = indent + "- " + lines[0].dropFirst(indent.count + 2)
        return lines
    }

    /// One value in YAML's flow style, which JSON is a part of.
    private static func inline(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let bool): bool ? "true" : "false"
        case .number(let number):
            number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .string(let text): CourseFolderWriter.quoted(text)
        case .array(let elements): "[" + elements.map(inline).joined(separator: ", ") + "]"
        case .object(let object):
            "{" + object.keys.sorted().map { "\(CourseFolderWriter.quoted($0)): \(inline(object[$0] ?? .null))" }.joined(separator: ", ") + "}"
        }
    }
}

extension JSONValue {
    fileprivate var isCollection: Bool {
        switch self {
        case .array, .object: true
        default: false
        }
    }
}
