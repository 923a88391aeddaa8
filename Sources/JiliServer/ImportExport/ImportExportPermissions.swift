enum ImportExportPermissions {
    /// Who may import what: members by the leader and the director; orders and refunds by finance too.
    static func mayImport(_ role: Role, _ kind: ImportService.Kind) -> Bool {
        switch kind {
        case .members: return [.leader, .director].contains(role)
        case .orders, .refunds: return [.leader, .director, .finance].contains(role)
        }
    }
}
