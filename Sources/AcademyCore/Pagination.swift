public import Foundation

/// A client's request for one page of a list: `?limit=` (default 50, at most 200) and the opaque
/// `?cursor=` that the previous page handed out.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 50
    public static let maximumLimit = 200

    public let limit: Int
    public let after: PageCursor?

    public init(limit: Int = PageRequest.defaultLimit, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }

    /// Reads the raw query values; anything out of range is the client's mistake, told plainly.
    public init(limitParameter: String?, cursorParameter: String?) throws(AcademyError) {
        var limit = Self.defaultLimit
        if let limitParameter {
            guard let parsed = Int(limitParameter), (1...Self.maximumLimit).contains(parsed) else {
                throw .malformedRequest("limit must be an integer from 1 to \(Self.maximumLimit).")
            }
            limit = parsed
        }
        let after = try cursorParameter.map { (parameter: String) throws(AcademyError) -> PageCursor in
            guard let cursor = PageCursor(encoded: parameter) else {
                throw .malformedRequest("cursor is not one this API handed out.")
            }
            return cursor
        }
        self.init(limit: limit, after: after)
    }
}

/// The position after the last item of a page in a keyset ordering `(sort_key, id)`: stable under
/// inserts, unlike offsets. Clients see it only as an opaque base64url string.
public struct PageCursor: Sendable, Equatable, Codable {
    public let sortKey: String
    public let id: UUID

    public init(sortKey: String, id: UUID) {
        self.sortKey = sortKey
        self.id = id
    }

    public var encoded: String {
        let json = (try? JSONEncoder().encode(self)) ?? Data()
        return json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init?(encoded: String) {
        var base64 = encoded
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard encoded.count <= 1024,
              let data = Data(base64Encoded: base64),
              let cursor = try? JSONDecoder().decode(PageCursor.self, from: data)
        else { return nil }
        self = cursor
    }
}

/// One page of a list as the API returns it: `{"items": [...], "next_cursor": null | "..."}`.
public struct Page<Item> {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// Builds a page from rows fetched with `LIMIT request.limit + 1`: the extra row, when present,
    /// only proves that another page exists.
    public init(rows: [Item], request: PageRequest, cursorOf: (Item) -> PageCursor) {
        if rows.count > request.limit {
            let kept = Array(rows.prefix(request.limit))
            self.init(items: kept, nextCursor: kept.last.map(cursorOf))
        } else {
            self.init(items: rows, nextCursor: nil)
        }
    }
}

extension Page: Sendable where Item: Sendable {}
