import Foundation
import Testing

@testable import PhoneService
@testable import PhoneStore

/// `GET /_admin/tenants` and `GET /_admin/tenants/{id}` tell each tenant's size and last write
/// from its files (the dashboard's tenants page), without opening it.
@Suite struct TenantUsageTests {
    let server: TestServer
    var operatorKey: String { server.application.tenants.operatorKey }

    init() throws {
        server = try TestServer(limits: HTTPServer.Limits(threads: 2))
    }

    func tenant(_ id: String) throws -> [String: Any] {
        let got = try server.send("GET", "/_admin/tenants/\(id)", token: operatorKey)
        #expect(got.status == 200, "\(got.text)")
        return got.object
    }

    func date(_ value: Any?) -> Date? { (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) } }

    @Test func eachTenantsFileSizeLastWriteAndExpiryAreListed() throws {
        let created = try server.send("POST", "/_admin/tenants", token: operatorKey, json: #"{"displayName":"w1"}"#)
        #expect(created.status == 201, "\(created.text)")
        let (id, key) = (created.string("id") ?? "", created.string("adminKey") ?? "")
        let file = TenantPaths(database: server.databasePath).file(of: id)
        let onDisk = { () -> Int64 in
            [file, file + "-wal"].reduce(0) { total, path in
                total + ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber ?? 0).int64Value
            }
        }
        let before = try tenant(id)
        #expect((before["fileBytes"] as? NSNumber)?.int64Value == onDisk() && onDisk() > 0)
        let written = try #require(date(before["lastWriteAt"]))
        // Not kept: a start after a day without writes removes it.
        #expect(date(before["expiresAt"]) == written.addingTimeInterval(86_400))

        // A write a second and more later moves the last write (the stamp is in whole seconds).
        Thread.sleep(forTimeInterval: 1.2)
        let user = try server.send("POST", "/_admin/users", token: key, json: #"{"userPrincipalName":"a@contoso.com"}"#)
        #expect(user.status == 201, "\(user.text)")
        let after = try tenant(id)
        #expect(try #require(date(after["lastWriteAt"])) > written)
        #expect((after["fileBytes"] as? NSNumber)?.int64Value == onDisk())

        // The list carries the same members; the default tenant and kept tenants never expire.
        let kept = try server.send("POST", "/_admin/tenants", token: operatorKey, json: #"{"keep":true}"#)
        let list = try server.send("GET", "/_admin/tenants", token: operatorKey).object["value"] as? [[String: Any]]
        let all = try #require(list)
        #expect(all.count == 3)
        for entry in all {
            #expect(((entry["fileBytes"] as? NSNumber)?.int64Value ?? 0) > 0 && date(entry["lastWriteAt"]) != nil)
            let isKept = entry["keep"] as? Bool == true
            #expect((entry["expiresAt"] is NSNull) == isKept, "\(entry)")
        }
        #expect(all.first?["default"] as? Bool == true)
        #expect(all.contains { $0["id"] as? String == kept.string("id") && $0["expiresAt"] is NSNull })
    }
}

/// What counts as a tenant's last write (its expiry and `lastWriteAt`), on files made here.
@Suite struct TenantLastWriteTests {
    @Test func anEmptyWALIsNoWriteButAWrittenOneIs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("last-write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.db").path
        let (written, opened) = (Date(timeIntervalSince1970: 1_700_000_000), Date(timeIntervalSince1970: 1_700_090_000))
        #expect(FileManager.default.createFile(atPath: file, contents: Data(count: 4096)))
        try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: file)
        // SQLite's open of the file for a read: an empty WAL, made now.
        #expect(FileManager.default.createFile(atPath: file + "-wal", contents: Data()))
        try FileManager.default.setAttributes([.modificationDate: opened], ofItemAtPath: file + "-wal")
        #expect(TenantDirectory.lastWrite(file) == written)
        #expect(TenantUsage(file: file).fileBytes == 4096)
        // A commit appends frames to the WAL: that is a write.
        try Data(count: 32).write(to: URL(fileURLWithPath: file + "-wal"))
        try FileManager.default.setAttributes([.modificationDate: opened], ofItemAtPath: file + "-wal")
        #expect(TenantDirectory.lastWrite(file) == opened)
        #expect(TenantUsage(file: file).fileBytes == 4096 + 32)
    }
}
