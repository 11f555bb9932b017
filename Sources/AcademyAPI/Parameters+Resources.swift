package import AcademyCore
package import Foundation
package import Hummingbird

extension Parameters {
    /// A path parameter that must be a UUID; anything else cannot name a resource (404).
    package func uuid(_ name: String) throws(AcademyError) -> UUID {
        guard let raw = self.get(name), let id = UUID(uuidString: raw) else {
            throw .notFound("No resource has the id \(self.get(name) ?? "").")
        }
        return id
    }

    /// A boolean query parameter: absent is false; anything but `true` or `false` is 400.
    func flag(_ name: String) throws(AcademyError) -> Bool {
        switch self.get(name) {
        case nil, "false": false
        case "true": true
        case let other?: throw .malformedRequest("\(name) must be true or false, not \(PrintableText.escaped(other)).")
        }
    }

    /// A search text: surrounding spaces trimmed, nil when nothing remains; longer than
    /// `maximumCharacters` is 400 rather than silently cut.
    package func searchText(_ name: String, maximumCharacters: Int = 200) throws(AcademyError) -> String? {
        guard let raw = self.get(name) else { return nil }
        guard raw.count <= maximumCharacters else {
            throw .malformedRequest("\(name) must be at most \(maximumCharacters) characters.")
        }
        let text = raw.trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    /// The course a path names by id or slug (`:course`).
    package func courseReference(_ name: String = "course") -> CourseReference {
        CourseReference(self.get(name) ?? "")
    }
}
