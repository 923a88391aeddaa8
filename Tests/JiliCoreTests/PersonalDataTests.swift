import Testing
@testable import JiliCore

@Suite struct PersonalDataTests {
    /// 居民身份证: 18 characters, the last the MOD 11-2 check, X for 10.
    @Test func residentCardNumbersAreCheckedByTheirCheckDigit() {
        #expect(PersonalData.checkID("11010519491231002X", type: .residentCard) == nil)
        #expect(PersonalData.checkID("11010519491231002x", type: .residentCard) == nil)
        #expect(PersonalData.checkID("330106199003071236", type: .residentCard) == nil)
        // One digit changed: the check digit no longer fits.
        #expect(PersonalData.checkID("330106199003071237", type: .residentCard) == .idChecksum)
        #expect(PersonalData.checkID("33010619900307123", type: .residentCard) == .idNumber)
        #expect(PersonalData.checkID("3301061990030712X6", type: .residentCard) == .idNumber)
        // Other documents: letters and digits.
        #expect(PersonalData.checkID("E12345678", type: .chinesePassport) == nil)
        #expect(PersonalData.checkID("E1234-567", type: .chinesePassport) == .idNumber)
    }

    /// Bank cards: 15 to 19 digits passing Luhn; spaces between groups are what people type.
    @Test func bankCardsPassTheLuhnCheck() {
        #expect(PersonalData.checkCard("6222021234567890128") == nil)
        #expect(PersonalData.checkCard("6222 0212 3456 7890 128") == nil)
        #expect(PersonalData.checkCard("6217001234567893") == nil)
        #expect(PersonalData.checkCard("6217001234567894") == .bankCardChecksum)
        #expect(PersonalData.checkCard("62170012345") == .bankCard)
        #expect(PersonalData.checkCard("6217-0012-3456-7893") == .bankCard)
    }

    @Test func maskedAsEveryoneButFinanceReadsThem() {
        #expect(PersonalData.maskCard("6217001234567893") == "6217 **** **** 7893")
        #expect(PersonalData.maskCard("6222021234567890128") == "6222 **** **** **** 0128")
        #expect(PersonalData.maskID("11010519491231002X") == "1101**********002X")
        // A shorter document shows its last four only: never more than half.
        #expect(PersonalData.maskID("E12345678") == "*****5678" && PersonalData.maskID("H1234567") == "****4567")
        #expect(PersonalData.maskName("汤强") == "汤*")
        #expect(PersonalData.maskName("欧阳娜娜") == "欧***")
        #expect(PersonalData.checkName("汤强") == nil && PersonalData.checkName("阿依古丽·买买提") == nil)
        #expect(PersonalData.checkName("汤") == .realName && PersonalData.checkName("汤强1") == .realName)
    }
}
