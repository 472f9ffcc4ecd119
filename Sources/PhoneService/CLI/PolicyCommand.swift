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
            var policy = try cliStep { try store.smsPolicy() }
            if let state { policy.enabled = state == "enabled" }
            if clearIncludes || !include.isEmpty { policy.includeTargets = try include.map { try resolve($0, store) } }
            if clearExcludes || !exclude.isEmpty { policy.excludeTargets = try exclude.map { try resolve($0, store) } }
            try cliStep { try store.setSmsPolicy(policy) }
        }

        private func resolve(_ text: String, _ store: PhoneStore) throws -> SmsPolicy.Target {
            if text == SmsPolicy.Target.allUsersID { return .allUsers }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            let key = parts.count == 2 ? parts[1] : ""
            switch parts.first {
            case "user" where parts.count == 2:
                guard let user = try cliStep({ try store.user(key: key) }) else { return try fail("no user '\(key)'") }
                return SmsPolicy.Target(kind: .user, id: user.id)
            case "group" where parts.count == 2:
                guard let group = try cliStep({ try store.group(key: key) }) else {
                    return try fail("no group '\(key)'")
                }
                return SmsPolicy.Target(kind: .group, id: group.id)
            default:
                return try fail("target '\(text)': use all_users, user:UPN_OR_ID or group:NAME_OR_ID")
            }
        }

        private func fail(_ message: String) throws -> SmsPolicy.Target {
            FileHandle.standardError.write(Data("phone-service: error: \(message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
