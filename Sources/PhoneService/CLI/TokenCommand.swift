import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service token`: mints a token signed with the tenant's key.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a bearer token for a user (delegated) or for an app (application permissions).",
        discussion: """
            Delegated:   phone-service token --user alice@contoso.com --scopes "UserAuthenticationMethod.ReadWrite.All"
            Application: phone-service token --app --roles "UserAuthenticationMethod.ReadWrite.All"
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The signed-in user (object id or user principal name): a delegated token.") var user: String?
    @Option(help: "Space-separated delegated scopes.") var scopes: String?
    @Flag(help: "An application token instead of a delegated one.") var app = false
    @Option(help: "Space-separated application permissions, with --app.") var roles: String?
    @Option(name: .customLong("app-id"), help: "The app id (appid claim).") var appID: String?
    @Option(help: "Lifetime in seconds.") var expires: Int = 3600

    func run() throws {
        let store = try database.open()
        let request = TenantAdministration.TokenRequest(
            user: user, scopes: scopes.map(Self.words), app: app, roles: roles.map(Self.words), appID: appID,
            lifetimeSeconds: expires)
        print(try cliStep { try TenantAdministration(store: store).token(request) })
    }

    private static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
}
