import Foundation
import JiliCore
import Vapor

/// A JSON document held as text (a plan, a run's result) embedded in an answer as it is: keys in
/// their order, numbers exact.
struct EmbeddedJSON: Encodable, Sendable {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }
    init(text: String) throws { value = try JSONValue.parse(Array(text.utf8)) }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
        case .object(let members):
            var c = encoder.container(keyedBy: Key.self)
            for m in members { try c.encode(EmbeddedJSON(m.value), forKey: Key(stringValue: m.key)) }
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(EmbeddedJSON(item)) }
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let n):
            var c = encoder.singleValueContainer()
            if let i = Int64(n) { try c.encode(i) } else { try c.encode(Decimal(string: n) ?? 0) }
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        }
    }
}

struct FindingDTO: Content {
    var severity: String
    var path: String
    var code: String
    var message: String
}

struct PlanVersionDTO: Content {
    var id: Int
    var name: String
    var status: String
    var effective_from: String?
    var created_by: String
    var created_at: Date

    init(_ v: PlanVersion) {
        id = v.id!
        name = v.name
        status = v.status.rawValue
        effective_from = v.effectiveFrom
        created_by = v.createdBy
        created_at = v.createdAt
    }
}

struct PlanVersionDetailDTO: Encodable, AsyncResponseEncodable {
    var version: PlanVersionDTO
    var plan: EmbeddedJSON
    var refused: Bool
    var findings: [FindingDTO]

    func encodeResponse(for request: Request) async throws -> Response {
        try await APIJSON.response(self, status: .ok)
    }
}

struct NewPlanVersionDTO: Content {
    var name: String
}

struct ActivateDTO: Content {
    /// The first month the version pays, `2026-12`.
    var from: String
}

struct RunDTO: Content {
    var period: String
    var status: String
    var plan_version: Int
    var total: String
    var sales: String
    var computed_at: Date
    var approved_at: Date?
    var approved_by: String?

    init(_ r: PayRun) {
        period = r.period
        status = r.status.rawValue
        plan_version = r.$planVersion.id
        total = Money(fen: r.totalFen).description
        sales = Money(fen: r.salesFen).description
        computed_at = r.computedAt
        approved_at = r.approvedAt
        approved_by = r.approvedBy
    }
}

struct RunDetailDTO: Encodable, AsyncResponseEncodable {
    var run: RunDTO
    /// The settlement result document of the contract (each member's explanations are on their statement).
    var result: EmbeddedJSON

    func encodeResponse(for request: Request) async throws -> Response {
        try await APIJSON.response(self, status: .ok)
    }
}

struct NewRunDTO: Content {
    var period: String
}

struct StatementDTO: Encodable, AsyncResponseEncodable {
    var period: String
    var member: String
    var name: String
    /// The member's line of the approved result (total, rules, adjustments, explanations); null
    /// when the month paid them nothing.
    var line: EmbeddedJSON?
    /// What the ledger owes the member now.
    var owed: String

    func encodeResponse(for request: Request) async throws -> Response {
        try await APIJSON.response(self, status: .ok)
    }
}

struct DisputeDTO: Content {
    var id: Int
    var member: String
    var period: String
    var rule: String
    var message: String
    var status: String
    var answer: String?
    var answered_by: String?
    var adjustment: String
    var created_at: Date

    init(_ d: Dispute) {
        id = d.id!
        member = d.memberCode
        period = d.period
        rule = d.rule
        message = d.message
        status = d.status.rawValue
        answer = d.answer
        answered_by = d.answeredBy
        adjustment = Money(fen: d.adjustmentFen).description
        created_at = d.createdAt
    }
}

struct NewDisputeDTO: Content {
    var period: String
    var rule: String
    var message: String
}

struct DisputeAnswerDTO: Content {
    var answer: String
    /// Yuan paid to the member (negative: taken back) in the open month; "0" or absent for an explanation.
    var adjustment: String?
}

struct TransferDTO: Content {
    var id: Int
    var member: String
    var amount: String
    var tax: String
    var net: String
    var month: String
    var reference: String

    init(_ t: PayoutTransfer) {
        id = t.id!
        member = t.memberCode
        amount = Money(fen: t.amountFen).description
        tax = Money(fen: t.taxFen).description
        net = Money(fen: t.netFen).description
        month = t.month
        reference = t.reference
    }
}

struct PayoutBatchDTO: Content {
    var id: Int
    var created_at: Date
    var created_by: String
    var total: String
    var withholds_tax: Bool
    var transfers: [TransferDTO]?

    init(_ b: PayoutBatch, transfers: [PayoutTransfer]?) {
        id = b.id!
        created_at = b.createdAt
        created_by = b.createdBy
        total = Money(fen: b.totalFen).description
        withholds_tax = b.withholdsTax
        self.transfers = transfers?.sorted { $0.memberCode < $1.memberCode }.map(TransferDTO.init)
    }
}

struct NewPayoutBatchDTO: Content {
    /// Pay only members owed at least this (yuan); everyone owed anything when absent.
    var minimum: String?
    /// Withhold 劳务报酬 tax; as on the page, it does unless told `false`.
    var withhold_tax: Bool?
}

struct ReferenceDTO: Content {
    var reference: String
}

struct BalanceEntryDTO: Content {
    var at: Date
    var kind: String
    var source: String
    var change: String
    var owed_after: String
    var transfer: TransferDTO?
}

struct BalanceDTO: Content {
    var member: String
    var owed: String
    var tax_withheld: String
    var entries: [BalanceEntryDTO]
}

/// Answers that embed a document, encoded with the API's JSON encoder (dates as everywhere else).
enum APIJSON {
    static func response(_ value: some Encodable, status: HTTPStatus) async throws -> Response {
        var body = ByteBufferAllocator().buffer(capacity: 0)
        var headers = HTTPHeaders()
        try ContentConfiguration.global.requireEncoder(for: .json).encode(value, to: &body, headers: &headers)
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}
