import Foundation

/// The package's root folder, found from this file's place in it.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The worked example of the spec (examples/basic, a copy of spec/examples/basic).
let exampleFolder = packageRoot + "/examples/basic"
