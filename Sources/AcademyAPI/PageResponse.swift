import AcademyCore
import Hummingbird

/// `{"items": [...], "next_cursor": null | "..."}`.
struct PageResponse<Item: Encodable & Sendable>: ResponseEncodable {
    let items: [Item]
    @NullEncoded var nextCursor: String?

    init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor?.encoded
    }
}
