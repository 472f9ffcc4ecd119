import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service app add|list|remove|secret add|certificate add`: app registrations, for the
/// sign-in endpoints (docs/sign-in.md).
struct AppCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app", abstract: "Manage app registrations (clients of the sign-in endpoints).",
        subcommands: [Add.self, List.self, Remove.self, SecretCommand.self, CertificateCommand.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an app; prints its appId (client id).")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The display name.") var displayName: String
        @Option(name: .customLong("app-id"), help: "The client id (a GUID); a new one by default.") var appID: String?
        @Option(
            name: .customLong("application-permission"),
            help:
                "A Graph application permission granted to the app (repeatable), e.g. UserAuthenticationMethod.ReadWrite.All."
        )
        var applicationPermissions: [String] = []
        @Option(
            name: .customLong("delegated-permission"),
            help:
                "A Graph delegated permission consented for the app (repeatable), e.g. UserAuthenticationMethod.ReadWrite."
        )
        var delegatedPermissions: [String] = []
        @Option(name: .customLong("redirect-uri"), help: "A redirect URI (repeatable).") var redirectURIs: [String] = []
        @Flag(name: .customLong("public-client"), help: "A public client (signs users in without a secret).")
        var isPublicClient = false

        func run() throws {
            let store = try database.open()
            let app = try cliStep {
                try store.perform(
                    try TenantAdministration(store: store).addApplication(
                        .init(
                            displayName: displayName, appID: appID, applicationPermissions: applicationPermissions,
                            delegatedPermissions: delegatedPermissions, redirectURIs: redirectURIs,
                            isPublicClient: isPublicClient)))
            }
            print(app.appID)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List apps: appId, display name, application permissions, delegated permissions (tab-separated).")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            for app in try cliStep({ try store.appRegistrations() }) {
                print(
                    [
                        app.appID, app.displayName, app.applicationPermissions.joined(separator: ","),
                        app.delegatedPermissions.joined(separator: ","),
                    ].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an app with its secrets and certificates.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The appId.") var appID: String

        func run() throws {
            let store = try database.open()
            try cliStep { try store.perform(.removeAppRegistration(appID: appID)) }
        }
    }

    struct SecretCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret", abstract: "Manage an app's client secrets.", subcommands: [AddSecret.self])
    }

    struct AddSecret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a client secret; prints its text, which is shown only this once.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The appId.") var appID: String
        @Option(name: .customLong("end-date-time"), help: "When it expires (ISO 8601); two years by default.")
        var endDateTime: String?

        func run() throws {
            let store = try database.open()
            let text = try cliStep {
                let secret = try TenantAdministration(store: store).addSecret(appID: appID, endDateTime: endDateTime)
                try store.perform(secret.write)
                return secret.text
            }
            print(text)
        }
    }

    struct CertificateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certificate", abstract: "Manage an app's certificates.", subcommands: [AddCertificate.self])
    }

    struct AddCertificate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Register a certificate (PEM file) for client assertions; prints its x5t.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The appId.") var appID: String
        @Argument(help: "A PEM file holding the certificate.") var pemFile: String

        func run() throws {
            let store = try database.open()
            let x5t = try cliStep {
                let pem = try String(contentsOfFile: pemFile, encoding: .utf8)
                let added = try TenantAdministration(store: store).addCertificate(appID: appID, pem: pem)
                try store.perform(added.write)
                return added.stored.x5t
            }
            print(x5t)
        }
    }
}

/// `phone-service keys rotate`: a signing key rollover.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the tenant's token signing keys.", subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire the current signing key (it verifies the tokens it signed for one more day).")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            _ = try cliStep { try store.perform(.rotateSigningKey(of: store)) }
        }
    }
}
