import HTTPTypes

extension HTTPFields {
    /// What `self[name]` reads, without building a string when one field has the name (nearly
    /// always): the subscript joins the values of every such field into a new string, and that
    /// showed in the profile of a request refused before routing, which reads four headers.
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}
