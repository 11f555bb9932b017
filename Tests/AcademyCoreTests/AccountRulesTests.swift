import AcademyCore
import Foundation
import Testing

@Suite struct AccountRulesTests {
    @Test(arguments: ["amina@example.org", " Amina.Khan+quiz@mail.example.co.uk ", "محمد@مثال.مصر"])
    func acceptsEmails(raw: String) throws {
        #expect(try AccountRules.email(raw).get() == raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: ["", "amina", "amina@", "@example.org", "amina@example", "a b@example.org", "amina@@example.org", "amina@example..org"])
    func refusesEmails(raw: String) {
        #expect(throws: FieldError.self) { try AccountRules.email(raw).get() }
    }

    @Test func emailsAreNormalizedOverAllOfUnicode() throws {
        #expect(AccountRules.normalizedEmail(" Amina@Example.ORG") == "amina@example.org")
        let nfd = "O\u{308}MER@ÉXAMPLE.org"
        let normalized = AccountRules.normalizedEmail(nfd)
        #expect(normalized.unicodeScalars.elementsEqual("ömer@éxample.org".precomposedStringWithCanonicalMapping.unicodeScalars))
        #expect(normalized.unicodeScalars.count == 16)
        #expect(try AccountRules.email("ÖMER@Example.org").get() == "ömer@example.org")
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
    let limit = RateLimit(maximumEvents: 3, window: .seconds(900))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aRateLimitAllowsUntilTheLimitThenWaitsForTheOldestToLeave() {
        #expect(limit.retryAfterSeconds(recent: [], now: now) == nil)
        let two = [now.addingTimeInterval(-10), now.addingTimeInterval(-20)]
        #expect(limit.retryAfterSeconds(recent: two, now: now) == nil)
        let three = two + [now.addingTimeInterval(-300)]
        #expect(limit.retryAfterSeconds(recent: three, now: now) == 600)
        let stale = two + [now.addingTimeInterval(-900)]
        #expect(limit.retryAfterSeconds(recent: stale, now: now) == nil)
    }

    func failures(account: Int, newestSecondsAgo: Double = 0, known: Bool = false) -> LoginThrottlePolicy.Failures {
        .init(
            accountFromAddress: [], fromAddress: [],
            account: (0..<account).map { now.addingTimeInterval(-newestSecondsAgo - Double($0)) }, knownClient: known
        )
    }

    @Test func failuresSpreadOverAddressesDelayNewClientsByDoublingSecondsUpToAMinute() {
        let policy = LoginThrottlePolicy(perAccountAndAddress: limit, perAddress: RateLimit(maximumEvents: 100, window: .seconds(900)))
        #expect(policy.limits.account >= 3 + 6)
        #expect(policy.retryAfterSeconds(failures(account: 2), now: now) == nil)
        #expect(policy.retryAfterSeconds(failures(account: 3), now: now) == 2)
        #expect(policy.retryAfterSeconds(failures(account: 4), now: now) == 4)
        #expect(policy.retryAfterSeconds(failures(account: 5), now: now) == 8)
        #expect(policy.retryAfterSeconds(failures(account: 8), now: now) == 60)
        #expect(policy.retryAfterSeconds(failures(account: policy.limits.account), now: now) == 60)
        // Counted from the newest failure: once it is older than the delay, an attempt may go.
        #expect(policy.retryAfterSeconds(failures(account: 4, newestSecondsAgo: 3), now: now) == 1)
        #expect(policy.retryAfterSeconds(failures(account: 4, newestSecondsAgo: 5), now: now) == nil)
        // A client the account signed in from before is never delayed by them.
        #expect(policy.retryAfterSeconds(failures(account: 50, known: true), now: now) == nil)
    }

    @Test func thePairAndTheAddressLimitsHoldForKnownClientsToo() {
        let policy = LoginThrottlePolicy(perAccountAndAddress: limit, perAddress: RateLimit(maximumEvents: 5, window: .seconds(900)))
        let recent = (0..<5).map { now.addingTimeInterval(-Double($0)) }
        let pair = LoginThrottlePolicy.Failures(accountFromAddress: Array(recent.prefix(3)), fromAddress: [], account: [], knownClient: true)
        #expect(policy.retryAfterSeconds(pair, now: now) == 898)
        let address = LoginThrottlePolicy.Failures(accountFromAddress: [], fromAddress: recent, account: [], knownClient: true)
        #expect(policy.retryAfterSeconds(address, now: now) == 896)
    }
}

@Suite struct TrustedProxiesTests {
    @Test func parsesAddressesAndRangesAndNamesABadEntry() throws {
        let proxies = try TrustedProxies.parse(" 127.0.0.1, 10.0.0.0/8 ,::1, fd00::/8").get()
        #expect(proxies.contains("127.0.0.1"))
        #expect(proxies.contains("10.200.3.4"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("::1"))
        #expect(proxies.contains("fd12::5"))
        #expect(!proxies.contains("fe80::1"))
        #expect(!proxies.contains("not an address"))
        #expect(Self.failedEntry("10.0.0.0/33") == "10.0.0.0/33")
        #expect(Self.failedEntry("127.0.0.1, proxy.local") == "proxy.local")
        #expect(try TrustedProxies.parse("").get().isEmpty)
    }

    static func failedEntry(_ list: String) -> String? {
        guard case .failure(let failure) = TrustedProxies.parse(list) else { return nil }
        return failure.entry
    }

    @Test func believesTheHeaderOnlyFromATrustedPeerAndOnlyUpToTheFirstUntrustedEntry() throws {
        let proxies = try TrustedProxies.parse("127.0.0.1,10.0.0.0/8").get()
        #expect(proxies.clientAddress(peer: "203.0.113.5", forwardedFor: "1.2.3.4") == "203.0.113.5")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: nil) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "1.2.3.4, 203.0.113.9") == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "1.2.3.4, 203.0.113.9, 10.1.1.1") == "203.0.113.9")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "10.2.2.2, 10.1.1.1") == "10.2.2.2")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: "203.0.113.9, garbage") == "127.0.0.1")
    }
}

@Suite struct PrintableTextTests {
    @Test func controlFormatAndSeparatorCharactersBecomeVisibleEscapes() {
        let forged = "x@example.org\n2026-12-01T00:00:00Z  login.succeeded\u{1B}[2J\u{202E}gro\u{2028}"
        let escaped = PrintableText.escaped(forged)
        #expect(escaped == #"x@example.org\u{a}2026-12-01T00:00:00Z  login.succeeded\u{1b}[2J\u{202e}gro\u{2028}"#)
        #expect(PrintableText.escaped(#"a\u{a}"#) == #"a\\u{a}"#)
        #expect(PrintableText.escaped("أمينة ömer@example.org") == "أمينة ömer@example.org")
        // Printing text that was escaped when stored leaves it as it is.
        #expect(PrintableText.escaped(escaped, doublingBackslashes: false) == escaped)
    }
}
