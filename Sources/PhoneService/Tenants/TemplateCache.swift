import Foundation
import PhoneStore
import Synchronization

/// The template new tenants are copied from, made on first use: once per start, as a new binary
/// may bring new migrations.
final class TemplateCache: Sendable {
    let paths: TenantPaths
    private let made = Mutex<TenantTemplate?>(nil)

    init(paths: TenantPaths) {
        self.paths = paths
    }

    func template() throws -> TenantTemplate {
        try made.withLock { made in
            if let made { return made }
            try FileManager.default.createDirectory(
                atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let template = try TenantTemplate(path: paths.template)
            made = template
            return template
        }
    }
}
