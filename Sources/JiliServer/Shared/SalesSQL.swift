import SQLKit

/// The one way to add up sales in SQL: orders `o` joined with their sellers `m`, and a measure
/// column `n` — net sales (amount less refunds, fen), orders, or new customers (a customer is new
/// where their first order falls, for that order's seller). Goals, contests and champions group and
/// filter it as they need.
enum SalesSQL {
    enum Measure { case volume, orders, newCustomers }

    static func orders(_ sql: any SQLDatabase, measure: Measure) -> SQLSelectBuilder {
        var q = sql.select().from(SQLAlias(SQLIdentifier("orders"), as: SQLIdentifier("o")))
            .join(SQLAlias(SQLIdentifier("members"), as: SQLIdentifier("m")), on: SQLColumn("id", table: "m"), .equal, SQLColumn("member_id", table: "o"))
        switch measure {
        // SUM of a bigint is numeric in PostgreSQL: cast back to a 64-bit integer.
        case .volume: q = q.column(SQLRaw("CAST(COALESCE(SUM(o.amount_fen - o.refunded_fen), 0) AS BIGINT)"), as: "n")
        case .orders: q = q.column(SQLRaw("COUNT(*)"), as: "n")
        case .newCustomers:
            q = q.column(SQLRaw("COUNT(*)"), as: "n").where(SQLColumn("customer_id", table: "o"), .isNot, SQLLiteral.null)
                .where(SQLRaw("NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = o.customer_id AND (e.paid_at < o.paid_at OR (e.paid_at = o.paid_at AND e.id < o.id)))"))
        }
        return q
    }

    /// Orders placed in these months (`2026-11`, in the team's zone).
    static func inMonths(_ q: SQLSelectBuilder, _ months: [String]) -> SQLSelectBuilder {
        q.where(SQLColumn("period", table: "o"), .in, SQLBind.group(months))
    }

    /// Sellers who are active.
    static func activeSellers(_ q: SQLSelectBuilder) -> SQLSelectBuilder {
        q.where(SQLColumn("status", table: "m"), .equal, SQLBind("active"))
    }
}
