import AcademyCore
import Testing

@Suite struct TypedNumberTests {
    @Test(arguments: [
        ("3.5", 3.5), (" 42 ", 42), ("-7", -7), ("+2", 2), ("٣٫٥", 3.5), ("۳٫۵", 3.5), ("٤٢", 42), ("3,5", 3.5), ("−1", -1),
    ])
    func readsWhatStudentsType(text: String, value: Double) {
        #expect(TypedNumber.parse(text) == value)
    }

    @Test(arguments: ["", "  ", "abc", "1e309", "nan", "inf", "1,000.5", "3..5", "0x10", "1 2", String(repeating: "9", count: 65)])
    func refusesWhatIsNotOneNumber(text: String) {
        #expect(TypedNumber.parse(text) == nil)
    }
}
