/// The API's key style: `displayName` → `display_name`, `maxUploadURL` → `max_upload_url`.
enum SnakeCase {
    static func convert(_ camelCase: String) -> String {
        var result = ""
        let characters = Array(camelCase)
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) {
                    result.append("_")
                }
            }
            result.append(contentsOf: character.lowercased())
        }
        return result
    }
}
