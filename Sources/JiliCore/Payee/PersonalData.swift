import Foundation

/// A payee's personal data — real name, identity document, bank card — checked as the bank and the
/// tax bureau will check it, and masked for everyone but finance.
public enum PersonalData {
    /// The identity documents of the 扣缴端's 证件类型 list that a member of a Chinese team carries,
    /// by the names the tax client's import template expects.
    public enum IDType: String, CaseIterable, Sendable {
        case residentCard = "居民身份证"
        case chinesePassport = "中国护照"
        case hongKongMacauPermit = "港澳居民来往内地通行证"
        case taiwanPermit = "台湾居民来往大陆通行证"
        case foreignPassport = "外国护照"
        case foreignResidentCard = "外国人永久居留身份证"
    }

    public enum Problem: Equatable, Sendable {
        case realName, idNumber, idChecksum, bankCard, bankCardChecksum, bankName
    }

    /// A real name: 2 to 30 characters, letters (any script), `·` (少数民族 and foreign names) and spaces.
    public static func checkName(_ text: String) -> Problem? {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard (2...30).contains(name.count), name.allSatisfy({ $0.isLetter || $0 == "·" || $0 == "•" || $0 == " " }) else { return .realName }
        return nil
    }

    /// A 居民身份证 number: 18 characters, the last one the ISO 7064 MOD 11-2 check (`X` for 10).
    /// Other documents: 5 to 30 letters and digits.
    public static func checkID(_ text: String, type: IDType) -> Problem? {
        let id = text.uppercased()
        guard type == .residentCard else {
            return (5...30).contains(id.count) && id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? nil : .idNumber
        }
        let chars = Array(id)
        guard chars.count == 18, chars[..<17].allSatisfy({ $0.isASCII && $0.isNumber }), chars[17].isNumber || chars[17] == "X" else { return .idNumber }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(chars[..<17], weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return chars[17] == check ? nil : .idChecksum
    }

    /// A bank card: 15 to 19 digits (spaces allowed between groups) passing the Luhn check, as
    /// UnionPay cards do.
    public static func checkCard(_ text: String) -> Problem? {
        let digits = cardDigits(text)
        guard (15...19).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              text.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == " " }) else { return .bankCard }
        var sum = 0
        for (i, c) in digits.reversed().enumerated() {
            var d = Int(String(c))!
            if i % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0 ? nil : .bankCardChecksum
    }

    /// The card's digits without the spaces a person types between groups.
    public static func cardDigits(_ text: String) -> String { text.filter { $0 != " " } }

    /// `6222 0212 3456 7890 123`: the card in groups of four, as it is printed (finance reads it whole).
    public static func groupCard(_ card: String) -> String {
        let digits = Array(cardDigits(card))
        return stride(from: 0, to: digits.count, by: 4).map { String(digits[$0..<min($0 + 4, digits.count)]) }.joined(separator: " ")
    }

    /// `6222 **** **** 1234`: the first four digits, then groups of stars, then the last four.
    public static func maskCard(_ card: String) -> String {
        let digits = Array(cardDigits(card))
        guard digits.count > 8 else { return String(repeating: "*", count: digits.count) }
        let hidden = digits.count - 8
        let groups = (0..<max(1, (hidden + 3) / 4)).map { _ in "****" }
        return ([String(digits[..<4])] + groups + [String(digits[(digits.count - 4)...])]).joined(separator: " ")
    }

    /// `1101**********1234`: an 18-character card's first four and last four characters; a shorter
    /// document's last four only (a passport's `*****5678`): never more than half of it shown.
    public static func maskID(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count >= 8 else { return String(repeating: "*", count: chars.count) }
        let head = chars.count >= 16 ? 4 : 0
        return String(chars[..<head]) + String(repeating: "*", count: chars.count - head - 4) + String(chars[(chars.count - 4)...])
    }

    /// `汤*`, `欧阳**`… : the first character (the surname, mostly), the rest stars.
    public static func maskName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}
