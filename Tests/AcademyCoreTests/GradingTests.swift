import AcademyCore
import Testing

@Suite struct GradingTests {
    @Test func singleChoiceAndTrueFalse() {
        #expect(Grading.grade(.option("b"), against: .singleChoice(optionID: "b"), points: 2) == QuestionGrade(points: 2, correct: true))
        #expect(Grading.grade(.option("a"), against: .singleChoice(optionID: "b"), points: 2) == QuestionGrade(points: 0, correct: false))
        #expect(Grading.grade(.value(true), against: .trueFalse(true), points: 1).correct)
        #expect(!Grading.grade(.value(false), against: .trueFalse(true), points: 1).correct)
        #expect(Grading.grade(nil, against: .trueFalse(true), points: 1) == QuestionGrade(points: 0, correct: false))
        // A response of the wrong shape is simply wrong.
        #expect(Grading.grade(.text("b"), against: .singleChoice(optionID: "b"), points: 1).points == 0)
    }

    @Test func multipleChoiceAllOrNothingOrPartial() {
        let strict = AnswerKey.multipleChoice(optionIDs: ["a", "c"], partialCredit: false)
        #expect(Grading.grade(.options(["a", "c"]), against: strict, points: 4) == QuestionGrade(points: 4, correct: true))
        #expect(Grading.grade(.options(["a"]), against: strict, points: 4).points == 0)
        let partial = AnswerKey.multipleChoice(optionIDs: ["a", "c", "d"], partialCredit: true)
        #expect(Grading.grade(.options(["a", "c"]), against: partial, points: 3) == QuestionGrade(points: 2, correct: false))
        #expect(Grading.grade(.options(["a", "b"]), against: partial, points: 3).points == 0)
        #expect(Grading.grade(.options(["a", "b", "c", "d", "e"]), against: partial, points: 3).points == 1)
        #expect(Grading.grade(.options(["a", "c", "d"]), against: partial, points: 3).correct)
        #expect(Grading.grade(.options([]), against: partial, points: 3).points == 0)
    }

    @Test func numericWithTolerance() {
        let key = AnswerKey.numeric(value: 28, tolerance: 0.5)
        #expect(Grading.grade(.number(28.4), against: key, points: 1).correct)
        #expect(Grading.grade(.number(27.5), against: key, points: 1).correct)
        #expect(!Grading.grade(.number(28.6), against: key, points: 1).correct)
        #expect(!Grading.grade(.number(.nan), against: key, points: 1).correct)
        #expect(Grading.grade(.number(3.0), against: .numeric(value: 3, tolerance: 0), points: 1).correct)
    }

    @Test func shortTextFoldsWhitespaceCaseAndNFC() {
        let key = AnswerKey.shortText(accepted: ["Right to left", "RTL"], caseSensitive: false, normalization: .standard)
        #expect(Grading.grade(.text("  right   to\tleft "), against: key, points: 1).correct)
        #expect(Grading.grade(.text("rtl"), against: key, points: 1).correct)
        #expect(!Grading.grade(.text("left to right"), against: key, points: 1).correct)
        let cased = AnswerKey.shortText(accepted: ["Qur’an"], caseSensitive: true, normalization: .standard)
        #expect(!Grading.grade(.text("qur’an"), against: cased, points: 1).correct)
        let accented = AnswerKey.shortText(accepted: ["café"], caseSensitive: false, normalization: .standard)
        #expect(Grading.grade(.text("cafe\u{301}"), against: accented, points: 1).correct)
    }

    @Test func arabicNormalizationIgnoresTashkeelTatweelAndLetterVariants() {
        let key = AnswerKey.shortText(accepted: ["مدرسة"], caseSensitive: false, normalization: .arabic)
        #expect(Grading.grade(.text("مَدْرَسَةٌ"), against: key, points: 1).correct)
        #expect(Grading.grade(.text("مدرسـة"), against: key, points: 1).correct)
        #expect(Grading.grade(.text("مدرسه"), against: key, points: 1).correct)
        #expect(!Grading.grade(.text("مدارس"), against: key, points: 1).correct)
        let alef = AnswerKey.shortText(accepted: ["أحمد"], caseSensitive: false, normalization: .arabic)
        for spelling in ["احمد", "إحمد", "آحمد", "أَحْمَد"] {
            #expect(Grading.grade(.text(spelling), against: alef, points: 1).correct, "\(spelling)")
        }
        let maksura = AnswerKey.shortText(accepted: ["مستشفى"], caseSensitive: false, normalization: .arabic)
        #expect(Grading.grade(.text("مستشفي"), against: maksura, points: 1).correct)
        // Without the Arabic folding the same variants are different answers.
        let plain = AnswerKey.shortText(accepted: ["مدرسة"], caseSensitive: false, normalization: .standard)
        #expect(!Grading.grade(.text("مَدْرَسَةٌ"), against: plain, points: 1).correct)
    }

    @Test func combiningAttempts() {
        let percents = [40.0, 90, 70]
        #expect(AttemptGrading.highest.combine(percents) == 90)
        #expect(AttemptGrading.latest.combine(percents) == 70)
        #expect(AttemptGrading.first.combine(percents) == 40)
        #expect(AttemptGrading.average.combine(percents) == 66.67)
        #expect(AttemptGrading.highest.combine([]) == nil)
    }
}
