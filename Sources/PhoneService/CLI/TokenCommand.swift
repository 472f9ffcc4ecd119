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

    func validate() throws {
        if app {
            guard user == nil, scopes == nil else {
                throw ValidationError("--app takes --roles, not --user or --scopes")
            }
        } else {
            guard user != nil else { throw ValidationError("give --user (delegated) or --app (application)") }
            guard scopes != nil else { throw ValidationError("a delegated token needs --scopes") }
            guard roles == nil else { throw ValidationError("--roles goes with --app") }
        }
        guard expires > 0 else { throw ValidationError("--expires must be a positive number of seconds") }
    }

    func run() throws {
        let store = try database.open()
        let issuer = TokenIssuer(tenant: store.tenant)
        if app {
            let names = (roles ?? "").split(separator: " ").map(String.init)
            print(issuer.application(roles: names, appID: appID ?? TokenIssuer.defaultAppID, lifetime: expires))
            return
        }
        let key = user ?? ""
        guard let found = try cliStep({ try store.user(key: key) }) else {
            FileHandle.standardError.write(Data("phone-service: error: no user '\(key)' in this tenant\n".utf8))
            throw ExitCode.failure
        }
        let names = (scopes ?? "").split(separator: " ").map(String.init)
        print(issuer.delegated(user: found, scopes: names, lifetime: expires))
    }
}
