import Foundation

/// Places where a test may stop the process in the middle of a transaction, to prove that a kill
/// leaves nothing half done: with `JILI_PAUSE_AT=<name>` in the environment, the process says
/// `JILI_PAUSED <name>` on standard error at that point and waits to be killed. Without the
/// variable (always, outside tests) it does nothing.
enum FaultPoint {
    static let pauseAt = ProcessInfo.processInfo.environment["JILI_PAUSE_AT"]

    static func reach(_ name: String) async {
        guard pauseAt == name else { return }
        FileHandle.standardError.write(Data("JILI_PAUSED \(name)\n".utf8))
        try? await Task.sleep(for: .seconds(120))
    }
}
