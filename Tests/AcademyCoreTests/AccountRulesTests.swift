import AcademyCore
import Foundation
import Testing

@Suite struct AccountRulesTests {
    @Test(arguments: ["amina@example.org", " Amina.Khan+quiz@mail.example.co.uk ", "محمد@مثال.مصر"])
    func acceptsEmails(raw: String) throws {
        #expect(try AccountRules.email(raw).get() == raw.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: ["", "amina", "amina@", "@example.org", "amina@example", "a b@example.org", "amina@@example.org", "amina@example..org"])
    func refusesEmails(raw: String) {
        #expect(throws: FieldError.self) { try AccountRules.email(raw).get() }
    }

    @Test func emailKeysIgnoreCase() {
        #expect(AccountRules.emailKey(" Amina@Example.ORG") == "amina@example.org")
    }

    @Test func passwordsFollowNIST() throws {
        #expect(throws: FieldError(field: "password", message: "must be at least 10 characters")) {
            try AccountRules.password("short").get()
        }
        // Ten code points of Arabic are ten characters, whatever their byte count.
        #expect(try AccountRules.password("كلمةسرطويل").get() == "كلمةسرطويل")
        #expect(throws: FieldError(field: "password", message: "must be at most 1024 bytes")) {
            try AccountRules.password(String(repeating: "ب", count: 513)).get()
        }
        // No composition rules: all lowercase is fine.
        #expect(try AccountRules.password("correcthorsebattery").get() == "correcthorsebattery")
        // NFKC: a full-width Latin password is the same password as its ASCII form.
        #expect(AccountRules.normalizedPassword("ｐａｓｓｗｏｒｄ１２") == "password12")
    }

    @Test func displayNamesAreNormalizedAndBounded() throws {
        let decomposed = "Jose\u{301}"
        #expect(try AccountRules.displayName("  \(decomposed) ").get() == "José")
        #expect(try AccountRules.displayName("أمينة بنت محمد").get() == "أمينة بنت محمد")
        #expect(throws: FieldError.self) { try AccountRules.displayName("   ").get() }
        #expect(throws: FieldError.self) { try AccountRules.displayName(String(repeating: "x", count: 101)).get() }
        #expect(throws: FieldError.self) { try AccountRules.displayName("bell\u{7}").get() }
    }

    @Test func localesAndTimeZones() {
        for tag in ["ar", "pt-BR", "zh-Hant-TW", "ms"] { #expect((try? AccountRules.locale(tag).get()) == tag) }
        for tag in ["", "a", "arabic", "pt_BR", "en-", "ar-EG-x-very-long-subtag-list-beyond"] {
            #expect(throws: FieldError.self, "\(tag)") { try AccountRules.locale(tag).get() }
        }
        #expect((try? AccountRules.timezone("Asia/Riyadh").get()) == "Asia/Riyadh")
        #expect((try? AccountRules.timezone("UTC").get()) == "UTC")
        for zone in ["Mars/Olympus", "GMT+3", ""] {
            #expect(throws: FieldError.self, "\(zone)") { try AccountRules.timezone(zone).get() }
        }
    }

    @Test func validationCollectsEveryError() {
        var validation = FieldValidation()
        _ = validation.check(AccountRules.email("nope"))
        _ = validation.check(AccountRules.password("short"))
        #expect(validation.errors.map(\.field) == ["email", "password"])
        #expect(throws: AcademyError.self) { try validation.finish() }
    }
}

@Suite struct AccountPolicyTests {
    let admin = Principal(userID: UUID(), role: .admin, sessionID: nil)
    let otherAdmin = User(id: UUID(), email: "b@x.org", displayName: "B", role: .admin, locale: nil, timezone: nil, createdAt: Date(), disabled: false)
    let student = User(id: UUID(), email: "s@x.org", displayName: "S", role: .student, locale: nil, timezone: nil, createdAt: Date(), disabled: false)

    @Test func onlyAdminsManageAccounts() {
        let instructor = Principal(userID: UUID(), role: .instructor, sessionID: nil)
        #expect(throws: AcademyError.forbidden("Only administrators manage accounts.")) {
            try AccountPolicy.checkChange(by: .user(instructor), of: student, role: .admin, disabled: nil, activeAdminCount: 1)
        }
        #expect(throws: Never.self) {
            try AccountPolicy.checkChange(by: .user(admin), of: student, role: .instructor, disabled: nil, activeAdminCount: 1)
        }
    }

    @Test func nobodyChangesTheirOwnRoleOrDisablesThemselves() {
        let me = User(id: admin.userID, email: "me@x.org", displayName: "Me", role: .admin, locale: nil, timezone: nil, createdAt: Date(), disabled: false)
        #expect(throws: AcademyError.forbidden("You cannot change your own role.")) {
            try AccountPolicy.checkChange(by: .user(admin), of: me, role: .student, disabled: nil, activeAdminCount: 3)
        }
        #expect(throws: AcademyError.forbidden("You cannot disable your own account.")) {
            try AccountPolicy.checkChange(by: .user(admin), of: me, role: nil, disabled: true, activeAdminCount: 3)
        }
        // Keeping one's own role is not a change.
        #expect(throws: Never.self) {
            try AccountPolicy.checkChange(by: .user(admin), of: me, role: .admin, disabled: false, activeAdminCount: 1)
        }
    }

    @Test func theLastActiveAdminStays() {
        #expect(throws: AcademyError.self) {
            try AccountPolicy.checkChange(by: .user(admin), of: otherAdmin, role: .instructor, disabled: nil, activeAdminCount: 1)
        }
        #expect(throws: AcademyError.self) {
            try AccountPolicy.checkChange(by: .operator, of: otherAdmin, role: nil, disabled: true, activeAdminCount: 1)
        }
        #expect(throws: Never.self) {
            try AccountPolicy.checkChange(by: .operator, of: otherAdmin, role: .student, disabled: nil, activeAdminCount: 2)
        }
    }
}

@Suite struct LoginThrottleTests {
    let throttle = LoginThrottle(maximumFailures: 3, window: .seconds(900))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func allowsUntilTheLimitThenWaitsForTheOldestToLeave() {
        #expect(throttle.retryAfterSeconds(recentFailures: [], now: now) == nil)
        let two = [now.addingTimeInterval(-10), now.addingTimeInterval(-20)]
        #expect(throttle.retryAfterSeconds(recentFailures: two, now: now) == nil)
        let three = two + [now.addingTimeInterval(-300)]
        #expect(throttle.retryAfterSeconds(recentFailures: three, now: now) == 600)
        let stale = two + [now.addingTimeInterval(-900)]
        #expect(throttle.retryAfterSeconds(recentFailures: stale, now: now) == nil)
    }
}
