/// What this build is, for `--version` and `/healthz`.
enum BuildInfo {
    static let version = "0.2.0"
}
