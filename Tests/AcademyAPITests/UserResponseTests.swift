@testable import AcademyAPI
import AcademyCore
import Foundation
import Testing

/// `GET /me` writes a user directly; everywhere else a user is encoded inside another body. Both
/// must say the same.
@Suite struct UserResponseTests {
    @Test(arguments: [
        User(id: UUID(), email: "amina@example.org", displayName: "أمينة \"Amina\" \\ ✓", role: .student,
             locale: "ar", timezone: "Asia/Riyadh", createdAt: Date(timeIntervalSince1970: 1_800_000_000), disabled: false),
        User(id: UUID(), email: "x@example.org", displayName: "X\n\u{1}", role: .admin,
             locale: nil, timezone: nil, createdAt: Date(timeIntervalSince1970: 1_700_000_123), disabled: true),
    ])
    func writtenDirectlyAsTheEncoderWritesIt(user: User) throws {
        let encoded = String(decoding: try APIJSON.sharedEncoder.encode(UserResponse(user: user)), as: UTF8.self)
        #expect(UserResponse(user: user).json == encoded)
    }
}
