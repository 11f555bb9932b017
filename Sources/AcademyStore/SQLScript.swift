/// Splits a migration file into statements. PostgresNIO speaks only the extended query protocol,
/// which runs one statement per query, so a file must be cut at its top-level semicolons, and not
/// at those inside string literals, quoted identifiers, comments or dollar-quoted bodies.
enum SQLScript {
    static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let characters = Array(script)
        var index = 0

        func flush() {
            let trimmed = current.trimmingWhitespace()
            if !trimmed.isEmpty, !isOnlyComments(trimmed) {
                statements.append(trimmed)
            }
            current = ""
        }

        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "'", "\"":
                let end = closingIndex(of: character, in: characters, from: index + 1)
                current.append(contentsOf: characters[index..<end])
                index = end
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n").map { $0 + 1 } ?? characters.count
                current.append(contentsOf: characters[index..<end])
                index = end
            case "/" where next == "*":
                let end = blockCommentEnd(in: characters, from: index + 2)
                current.append(contentsOf: characters[index..<end])
                index = end
            case "$":
                if let tag = dollarTag(in: characters, at: index) {
                    let end = dollarQuoteEnd(tag: tag, in: characters, from: index + tag.count)
                    current.append(contentsOf: characters[index..<end])
                    index = end
                } else {
                    current.append(character)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// The index after the closing quote; a doubled quote is an escaped one.
    private static func closingIndex(of quote: Character, in characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    private static func blockCommentEnd(in characters: [Character], from start: Int) -> Int {
        var index = start
        while index + 1 < characters.count {
            if characters[index] == "*", characters[index + 1] == "/" {
                return index + 2
            }
            index += 1
        }
        return characters.count
    }

    /// `$$` or `$tag$` where a dollar quote opens; `$1` (a parameter) is not one.
    private static func dollarTag(in characters: [Character], at start: Int) -> [Character]? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" {
                return Array(characters[start...index])
            }
            guard character.isLetter || character == "_" || (character.isNumber && index > start + 1) else {
                return nil
            }
            index += 1
        }
        return nil
    }

    private static func dollarQuoteEnd(tag: [Character], in characters: [Character], from start: Int) -> Int {
        var index = start
        while index + tag.count <= characters.count {
            if Array(characters[index..<index + tag.count]) == tag {
                return index + tag.count
            }
            index += 1
        }
        return characters.count
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { line in
            let trimmed = String(line).trimmingWhitespace()
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
