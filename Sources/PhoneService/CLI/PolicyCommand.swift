import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service policy sms show|set`: the SMS authentication method policy, without a token.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Read or set authentication method policies.", subcommands: [Sms.self])

    struct Sms: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sms", abstract: "The SMS authentication method policy.", subcommands: [Show.self, Set.self],
            defaultSubcommand: Show.self)
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the SMS policy as Graph returns it.")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let policy = try cliStep { try store.smsPolicy() }
            print(String(decoding: SmsPolicyHandler.representation(policy, version: .v1), as: UTF8.self))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change the SMS policy. Targets: all_users, user:UPN_OR_ID, group:NAME_OR_ID.",
            discussion: "phone-service policy sms set --state enabled --include all_users --exclude group:Contractors")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "enabled or disabled.") var state: String?
        @Option(help: "An include target (repeatable); replaces the include list.") var include: [String] = []
        @Option(help: "An exclude target (repeatable); replaces the exclude list.") var exclude: [String] = []
        @Flag(help: "Empty the include list.") var clearIncludes = false
        @Flag(help: "Empty the exclude list.") var clearExcludes = false

        func validate() throws {
            if let state, state != "enabled" && state != "disabled" {
                throw ValidationError("--state must be enabled or disabled")
            }
        }

        func run() throws {
            let store = try database.open()
            let change = TenantAdministration.SmsPolicyChange(
                enabled: state.map { $0 == "enabled" },
                include: clearIncludes || !include.isEmpty ? include : nil,
                exclude: clearExcludes || !exclude.isEmpty ? exclude : nil)
            try cliStep { try store.setSmsPolicy(try TenantAdministration(store: store).changedSmsPolicy(change)) }
        }
    }
}
