import Fluent
import SQLKit

extension Database {
    /// This database as SQL. Jili runs on SQLite or PostgreSQL, both SQL databases, and `configure`
    /// sets up no other: the one place that says so, instead of a cast at every query that handled
    /// "not SQL" in its own way (one skipped writing a run's lines without a word).
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            preconditionFailure("Jili's databases are SQLite or PostgreSQL; \(type(of: self)) is not an SQL database")
        }
        return sql
    }
}
