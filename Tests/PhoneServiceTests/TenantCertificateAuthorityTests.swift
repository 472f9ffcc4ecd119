import Foundation
import Testing
import X509

@testable import PhoneService

/// The tenant's CA: made once and kept, and the server certificate it issues, kept or renewed.
@Suite struct TenantCertificateAuthorityTests {
    @Test func theCAIsMadeOnceAndNamesTheTenant() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let first = try TenantCertificateAuthority.loadOrCreate(databasePath: db, tenantID: "tenant-1")
        let again = try TenantCertificateAuthority.loadOrCreate(databasePath: db, tenantID: "tenant-1")
        #expect(first.certificatePEM == again.certificatePEM)
        #expect("\(first.certificate.subject)".contains("tenant-1"))
        #expect(try first.certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let years = first.certificate.notValidAfter.timeIntervalSince(first.certificate.notValidBefore) / (365 * 86_400)
        #expect(years > 9.9 && years < 10.1)
    }

    @Test func theServerCertificateIsKeptUntilItsNamesChangeOrItNearsExpiry() throws {
        let directory = try TemporaryDirectory()
        let now = Date()
        let authority = try TenantCertificateAuthority.loadOrCreate(
            databasePath: directory.path("state.db"), tenantID: "t", now: now)
        let issued = try authority.serverIdentity(hostnames: [], now: now)
        #expect(issued.renewed)
        #expect(Set(issued.identity.nameList) == ["localhost", "127.0.0.1", "::1"])
        #expect(
            authority.certificate.publicKey.isValidSignature(issued.identity.leaf.signature, for: issued.identity.leaf))
        #expect(issued.identity.leaf.issuer == authority.certificate.subject)

        let kept = try authority.serverIdentity(hostnames: [], now: now.addingTimeInterval(300 * 86_400))
        #expect(!kept.renewed)
        #expect(kept.identity.certificateChainPEM == issued.identity.certificateChainPEM)

        let nearExpiry = now.addingTimeInterval(340 * 86_400)
        let renewed = try authority.serverIdentity(hostnames: [], now: nearExpiry)
        #expect(renewed.renewed, "less than 30 days left")
        #expect(renewed.identity.leaf.notValidAfter > nearExpiry.addingTimeInterval(300 * 86_400))

        let named = try authority.serverIdentity(hostnames: [try TLSHostname("phone-service.test")], now: nearExpiry)
        #expect(named.renewed, "a new name")
        #expect(named.identity.nameList.contains("phone-service.test"))
        #expect(
            try !authority.serverIdentity(hostnames: [try TLSHostname("phone-service.test")], now: nearExpiry).renewed)
    }

    @Test func aDamagedServerFileIsReissuedAndADamagedCAIsOneClearError() throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("state.db")
        let authority = try TenantCertificateAuthority.loadOrCreate(databasePath: db, tenantID: "t")
        _ = try authority.serverIdentity(hostnames: [])
        try "garbage".write(
            toFile: authority.store.file(TLSDirectory.serverCertificate), atomically: true, encoding: .utf8)
        #expect(try authority.serverIdentity(hostnames: []).renewed)

        try "garbage".write(toFile: authority.store.file(TLSDirectory.caKey), atomically: true, encoding: .utf8)
        #expect {
            try TenantCertificateAuthority.loadOrCreate(databasePath: db, tenantID: "t")
        } throws: { error in
            "\(error)".contains("move the directory away to make a new CA")
        }
    }

    @Test func servingNothingIsRefused() throws {
        let directory = try TemporaryDirectory()
        let result = try runPhoneService(["serve", "--db", directory.path("state.db"), "--listen", ""])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nothing to serve"), "\(result.stderr)")
    }
}
