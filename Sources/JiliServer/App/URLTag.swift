import Leaf
import LeafKit
import Vapor

/// The `#url` tag of templates: `#url("member", code)` is `SiteURL.member(code)`. An address that does
/// not exist, or given the wrong number of values, stops the page from rendering (and `SiteURLTests`
/// reads every template for them).
struct URLTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let name = ctx.parameters.first?.string else { throw LeafError(.unknownError("#url takes an address name")) }
        guard let address = SiteURL.named[name] else { throw LeafError(.unknownError("#url: no address named \(name)")) }
        let values = try ctx.parameters.dropFirst().map { value in
            guard let text = value.string, !text.isEmpty else { throw LeafError(.unknownError("#url(\"\(name)\"): an empty value")) }
            return text
        }
        guard values.count == address.parameters.count else {
            throw LeafError(.unknownError("#url(\"\(name)\") takes \(address.parameters.count) values, given \(values.count)"))
        }
        return .string(address.path(Array(values)))
    }
}
