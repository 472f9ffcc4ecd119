// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

// `make fuzz` sets PHONE_SERVICE_FUZZ and builds in its own scratch path: the libFuzzer targets under
// Fuzz/ are declared, and the code they reach is instrumented for coverage and AddressSanitizer.
// The flags are per target (not `-Xswiftc`) so that the build-time tool EmbedMigrations, whose `main`
// would collide with libFuzzer's, stays uninstrumented.
let fuzzing = Context.environment["PHONE_SERVICE_FUZZ"] != nil
let fuzzed: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []

let package = Package(
    name: "phone-service",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "phone-service", targets: ["phone-service"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CMicroHTTPD",
            path: "Sources/CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        // Turns Migrations/*.sql into Swift source at build time, so the binary carries its schema
        // and the .sql files stay its single source.
        .executableTarget(name: "EmbedMigrations", path: "Sources/EmbedMigrations"),
        .plugin(
            name: "EmbedMigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedMigrations"],
            path: "Plugins/EmbedMigrationsPlugin"
        ),
        // Turns the dashboard's files into Swift source, so the binary serves them with nothing beside it.
        .executableTarget(name: "EmbedAssets", path: "Sources/EmbedAssets"),
        .plugin(
            name: "EmbedDashboardPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedAssets"],
            path: "Plugins/EmbedDashboardPlugin"
        ),
        // Embeds the version from debian/changelog (BuildInfo.version), the one place it is written.
        .executableTarget(name: "EmbedVersion", path: "Sources/EmbedVersion"),
        .plugin(
            name: "EmbedVersionPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedVersion"],
            path: "Plugins/EmbedVersionPlugin"
        ),
        .target(
            name: "PhoneStore",
            dependencies: ["CSQLite"],
            path: "Sources/PhoneStore",
            swiftSettings: strict + fuzzed,
            plugins: ["EmbedMigrationsPlugin"]
        ),
        // The service as a library, so that tests and fuzz targets link it; the executable below is
        // only its entry point.
        .target(
            name: "PhoneService",
            dependencies: [
                "PhoneStore",
                "CMicroHTTPD",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Sources/PhoneService",
            // The dashboard's HTML, CSS and JS: EmbedDashboardPlugin turns them into Swift source.
            exclude: ["Dashboard/Assets"],
            swiftSettings: strict + fuzzed,
            plugins: ["EmbedDashboardPlugin", "EmbedVersionPlugin"]
        ),
        .executableTarget(
            name: "phone-service",
            dependencies: ["PhoneService"],
            path: "Sources/phone-service",
            swiftSettings: strict
        ),
        // What both test targets share (launching child processes).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "PhoneStoreTests",
            dependencies: ["PhoneStore", "CSQLite", "TestSupport"],
            path: "Tests/PhoneStoreTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PhoneServiceTests",
            dependencies: [
                "PhoneService", "PhoneStore", "TestSupport", .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Tests/PhoneServiceTests",
            // Read from the source tree by path (TenantStorageTests), not bundled.
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)

if fuzzing {
    // libFuzzer's driver is declared by this module; its runtime comes with `-sanitize=fuzzer` at
    // link time. lld, because gold warns about every ASan symbol it cannot export.
    package.targets.append(.systemLibrary(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"))
    for name in ["FuzzJSON", "FuzzJWT", "FuzzPhoneBody", "FuzzRouter"] {
        package.targets.append(
            .executableTarget(
                name: name,
                dependencies: [
                    "CLibFuzzer", "PhoneService", "PhoneStore", .product(name: "Logging", package: "swift-log"),
                ],
                path: "Fuzz/\(name)",
                swiftSettings: strict + fuzzed,
                linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
            )
        )
        package.products.append(.executable(name: name, targets: [name]))
    }
}
