import Fluent
import Foundation

/// A department of the org chart (销售部, 财务部, …); departments can sit under another.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @OptionalParent(key: "parent_id") var parent: Department?
    @Field(key: "sort") var sort: Int

    init() {}
    init(name: String, parentID: Int? = nil, sort: Int) {
        self.name = name
        self.$parent.id = parentID
        self.sort = sort
    }
}

/// A position within a department (销售经理, 会计, …).
final class Position: Model, @unchecked Sendable {
    static let schema = "positions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Parent(key: "department_id") var department: Department
    @Field(key: "sort") var sort: Int

    init() {}
    init(name: String, departmentID: Int, sort: Int) {
        self.name = name
        self.$department.id = departmentID
        self.sort = sort
    }
}
