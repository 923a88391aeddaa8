/// Everything a settlement reads, held compactly (columns of integers) so that millions of orders
/// fit in little memory. Built by ``InputReader`` from the CSV files, or directly by callers that
/// already hold the data (the server).
public struct SettlementInput: Sendable {
    public struct Members: Sendable {
        /// Member ids; `ids.find(id)` is the index of a member.
        public var ids = KeyTable()
        public var names: [String] = []
        /// Tier index in the plan (0 is the lowest).
        public var tier: [Int32] = []
        public var active: [Bool] = []
        public var forest = TeamForest(sponsor: [])
        public var count: Int { ids.count }
    }

    public struct Orders: Sendable {
        /// Order ids; `ids.find(id)` is the index of an order.
        public var ids = KeyTable()
        /// The member credited; -1 only for a row that was refused (the input then has problems).
        public var seller: [Int32] = []
        /// Month index (``Period/index``) the order was paid in, on the plan's calendar.
        public var period: [Int32] = []
        /// Seconds since 1970 (UTC).
        public var instant: [Int64] = []
        /// Fen.
        public var amount: [Int64] = []
        /// Fen; 0 when the file gives no cost.
        public var cost: [Int64] = []
        /// Index into ``SettlementInput/categories``, or -1.
        public var category: [Int32] = []
        public var count: Int { ids.count }

        public mutating func reserve(_ n: Int) {
            ids.reserveCapacity(n); seller.reserveCapacity(n); period.reserveCapacity(n)
            instant.reserveCapacity(n); amount.reserveCapacity(n); cost.reserveCapacity(n)
            category.reserveCapacity(n)
        }
    }

    public struct Refunds: Sendable {
        public var ids: [String] = []
        public var order: [Int32] = []
        public var period: [Int32] = []
        public var amount: [Int64] = []
        public var count: Int { ids.count }
    }

    public struct Goal: Sendable, Equatable {
        public var member: Int32
        public var window: GoalWindow
        /// Fen.
        public var target: Int64

        public init(member: Int32, window: GoalWindow, target: Int64) {
            self.member = member
            self.window = window
            self.target = target
        }
    }

    public var members = Members()
    public var orders = Orders()
    public var refunds = Refunds()
    public var goals: [Goal] = []
    public var categories = KeyTable()

    public init() {}
}
