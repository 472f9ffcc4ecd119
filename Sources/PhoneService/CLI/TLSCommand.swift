import ArgumentParser
import Foundation
import PhoneStore

/// `phone-service tls`: the tenant's own certificate authority.
struct TLSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls", abstract: "The tenant's certificate authority, for clients of HTTPS.",
        subcommands: [CACertificate.self])

    /// `phone-service tls ca-cert`: prints the CA certificate (made on first use), for clients to trust.
    struct CACertificate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ca-cert",
            abstract: "Print the tenant CA's certificate in PEM (made when the tenant has none yet).")
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let store = try database.open()
            let authority = try cliStep {
                try TenantCertificateAuthority.loadOrCreate(databasePath: store.path, tenantID: store.tenant.id)
            }
            print(authority.certificatePEM, terminator: authority.certificatePEM.hasSuffix("\n") ? "" : "\n")
        }
    }
}
