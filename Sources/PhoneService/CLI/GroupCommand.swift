import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service group ...`: directory groups, for SMS policy targets.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group", abstract: "Manage the tenant's groups.",
        subcommands: [Add.self, List.self, Remove.self, AddMember.self, RemoveMember.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a group; prints its object id.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The group's display name.") var name: String
        @Option(help: "The object id (a GUID); a new one by default.") var id: String?

        func run() throws {
            let store = try database.open()
            print(
                try cliStep {
                    try store.perform(try TenantAdministration(store: store).addGroup(displayName: name, id: id))
                }.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List groups: object id, name, members' user principal names (tab-separated).")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            for group in try cliStep({ try store.groups() }) {
                let members = try group.memberIDs.map { id in
                    try cliStep { try store.user(key: id)?.userPrincipalName ?? id }
                }
                print([group.id, group.displayName, members.joined(separator: ",")].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a group (and it from the SMS policy).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The group's object id or name.") var group: String

        func run() throws {
            let store = try database.open()
            try cliStep { try store.removeGroup(key: group) }
        }
    }

    struct AddMember: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Add a user to a group.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The group's object id or name.") var group: String
        @Argument(help: "The user's object id or user principal name.") var user: String

        func run() throws {
            let store = try database.open()
            try cliStep { try store.addGroupMember(group: group, user: user) }
        }
    }

    struct RemoveMember: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-member", abstract: "Remove a user from a group.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The group's object id or name.") var group: String
        @Argument(help: "The user's object id or user principal name.") var user: String

        func run() throws {
            let store = try database.open()
            try cliStep { try store.removeGroupMember(group: group, user: user) }
        }
    }
}
