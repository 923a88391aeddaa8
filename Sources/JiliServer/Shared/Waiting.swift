/// Something that waits for a person to act, as the area that owns it counts it: what it is (a
/// message key that takes `{count}` and `values`), how many, and the page where it is done. The home
/// page's to-do list gathers them from every area (``ToDoList``).
struct Waiting: Sendable, Equatable {
    let key: String
    let count: Int
    let href: String
    var values: [String: String] = [:]

    /// Nothing when there is nothing to do.
    static func count(_ count: Int, _ key: String, _ href: String, _ values: [String: String] = [:]) -> [Waiting] {
        count > 0 ? [Waiting(key: key, count: count, href: href, values: values)] : []
    }
}
