import Fluent
import Foundation
import JiliCore

/// Where a member's pay is transferred and who they are for the tax bureau: real name, identity
/// document, and a bank card or their WeChat (零钱, through the account they sign in with). Shown in
/// full to finance only, masked to everyone else (the member included), never written to a log.
final class Payee: Model, @unchecked Sendable {
    static let schema = "payees"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "real_name") var realName: String
    /// A ``PersonalData/IDType`` raw value: the 扣缴端's 证件类型 name.
    @Field(key: "id_type") var idType: String
    @Field(key: "id_number") var idNumber: String
    @Field(key: "method") var method: Method
    @Field(key: "bank_name") var bankName: String
    /// Digits only; empty when paid by WeChat.
    @Field(key: "bank_card") var bankCard: String
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "updated_by") var updatedBy: String

    init() {}

    /// A bank transfer to the card, or WeChat Pay's 转账到零钱 to the member's WeChat.
    enum Method: String, StoredStatus {
        case bank, wechat
    }
}

extension Payee {
    /// The payee as one who is not finance reads it.
    var masked: (name: String, id: String, card: String) {
        (PersonalData.maskName(realName), PersonalData.maskID(idNumber), bankCard.isEmpty ? "" : PersonalData.maskCard(bankCard))
    }
}
