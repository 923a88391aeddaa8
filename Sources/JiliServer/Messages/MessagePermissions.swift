import Foundation

/// Who sees how the messages to WeChat went, and who queues a notice through the API.
enum MessagePermissions {
    static func mayReadOutbox(_ role: Role) -> Bool { [.leader, .director].contains(role) }
    /// A token acting as the leader or the operations director (an integration) queues notices to anyone.
    static func mayQueue(_ role: Role) -> Bool { [.leader, .director].contains(role) }
}
