/// What this build is, for `--version` and `/healthz`.
enum BuildInfo {
    /// The first version in debian/changelog, embedded at build time (Plugins/EmbedVersionPlugin):
    /// the one place a release's version is written, so the binary and its package agree.
    static let version = EmbeddedVersion.version
}
