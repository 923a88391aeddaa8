import Foundation

/// A small bar chart drawn on the server as SVG (no script, nothing fetched): a bar per month, an
/// optional mark per bar (a goal), and the same numbers as a table behind a tap, for a screen reader
/// and for anyone who would rather read them.
struct Chart: Encodable {
    struct Point {
        /// `11月`: under the bar.
        let label: String
        /// `2026-11`: in the table.
        let name: String
        let value: Int64
        /// `¥1,234.56`, `12.5%`.
        let shown: String
        /// A goal or a target drawn across the bar, and its text.
        var mark: Int64? = nil
        var markShown: String? = nil
    }

    struct Row: Encodable {
        let name: String
        let shown: String
        let mark: String?
    }

    let id: String
    let title: String
    /// One sentence for a screen reader: the latest figure, against the one before.
    let summary: String
    let svg: String
    let valueHeader: String
    let markHeader: String?
    let rows: [Row]

    static let width = 340.0, height = 150.0, top = 18.0, bottom = 22.0

    init(id: String, title: String, summary: String, points: [Point], valueHeader: String, markHeader: String? = nil) {
        self.id = id
        self.title = title
        self.summary = summary
        self.valueHeader = valueHeader
        self.markHeader = markHeader
        rows = points.map { Row(name: $0.name, shown: $0.shown, mark: $0.markShown) }
        let top = max(1, points.map { max($0.value, $0.mark ?? 0) }.max() ?? 1)
        let plot = Self.height - Self.top - Self.bottom
        let slot = Self.width / Double(max(points.count, 1))
        let bar = max(4, slot * 0.62)
        func y(_ v: Int64) -> Double { Self.top + plot - plot * Double(max(0, v)) / Double(top) }
        func f(_ x: Double) -> String { String(format: "%.1f", x) }
        var out = #"<svg class="chart" viewBox="0 0 \#(Int(Self.width)) \#(Int(Self.height))" role="img" aria-labelledby="\#(id)-t \#(id)-d" focusable="false" xmlns="http://www.w3.org/2000/svg">"#
        out += #"<title id="\#(id)-t">\#(HTML.escape(title))</title><desc id="\#(id)-d">\#(HTML.escape(summary))</desc>"#
        out += #"<line class="axis" x1="0" x2="\#(Int(Self.width))" y1="\#(f(Self.top + plot))" y2="\#(f(Self.top + plot))"/>"#
        for (i, p) in points.enumerated() {
            let x = slot * Double(i) + (slot - bar) / 2
            let last = i == points.count - 1
            out += #"<rect class="\#(last ? "bar now" : "bar")" x="\#(f(x))" y="\#(f(y(p.value)))" width="\#(f(bar))" height="\#(f(Self.top + plot - y(p.value)))" rx="2"/>"#
            if let m = p.mark {
                out += #"<line class="mark" x1="\#(f(x - 2))" x2="\#(f(x + bar + 2))" y1="\#(f(y(m)))" y2="\#(f(y(m)))"/>"#
            }
            out += #"<text class="label" x="\#(f(x + bar / 2))" y="\#(f(Self.height - 6))" text-anchor="middle">\#(HTML.escape(p.label))</text>"#
            if last {
                // The latest figure above its bar, kept inside the drawing.
                let anchor = x + bar / 2 > Self.width - 40 ? "end" : "middle"
                out += #"<text class="value" x="\#(f(anchor == "end" ? Self.width - 1 : x + bar / 2))" y="\#(f(max(12, y(p.value) - 5)))" text-anchor="\#(anchor)">\#(HTML.escape(p.shown))</text>"#
            }
        }
        out += "</svg>"
        svg = out
    }
}
