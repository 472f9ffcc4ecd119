import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service user add|list|remove`: the tenant's directory.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the tenant's users.", subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; prints the new user's object id.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The user principal name, e.g. alice@contoso.com.") var userPrincipalName: String
        @Option(help: "The object id (a GUID); a new one by default.") var id: String?
        @Option(name: .customLong("display-name"), help: "The display name.") var displayName: String?
        @Option(
            help: ArgumentHelp(
                "A directory role, by name or template id (repeatable): "
                    + DirectoryRole.allCases.map(\.name).joined(separator: ", ") + "."))
        var role: [String] = []
        @Option(help: "A password for sign-in (stored as a PBKDF2-HMAC-SHA256 hash, never in clear).")
        var password: String?

        func run() throws {
            let store = try database.open()
            let user = try cliStep {
                try store.perform(
                    try TenantAdministration(store: store).addUser(
                        userPrincipalName: userPrincipalName, id: id, displayName: displayName, roles: role,
                        password: try TenantAdministration.passwordHash(password)))
            }
            print(user.id)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List users: object id, user principal name, display name, roles (tab-separated).")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            for user in try cliStep({ try store.users() }) {
                let roles = user.roleTemplateIDs.map { DirectoryRole(rawValue: $0)?.name ?? $0 }
                print(
                    [user.id, user.userPrincipalName, user.displayName, roles.joined(separator: ",")].joined(
                        separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user and their phone methods.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The user's object id or user principal name.") var user: String

        func run() throws {
            let store = try database.open()
            try cliStep { try store.removeUser(key: user) }
        }
    }
}

/// `phone-service admin-key`: prints the admin API's bearer key.
struct AdminKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-key",
        abstract: "Print the admin key: the bearer token of the /_admin/ API (made with the tenant).",
        discussion:
            "curl -H \"Authorization: Bearer $(phone-service admin-key --db state.db)\" localhost:8080/_admin/users")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        print(try database.open().tenant.adminKey)
    }
}

/// `phone-service operator-key`: the bearer key of `/_admin/tenants` (docs/tenants.md).
struct OperatorKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator-key",
        abstract: "Print the operator key: the bearer token that creates, lists and deletes tenants.",
        discussion:
            "curl -X POST -H \"Authorization: Bearer $(phone-service operator-key --db state.db)\" localhost:8080/_admin/tenants"
    )

    @Option(name: .long, help: "The SQLite database file (the default tenant's; created when missing).")
    var db: String = "./phone-service.db"

    func run() throws {
        let store = try cliStep { try PhoneStore(path: db) }
        print(try cliStep { try store.operatorKey() })
    }
}
