// swift-tools-version:6.1
import PackageDescription

// The same upcoming features Hummingbird itself enables: explicit `any`, imports that are
// visible only where they are written, and internal imports unless a module re-exports on purpose.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "academy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "academy", targets: ["academy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        // cmark-gfm, built from source: the system's is too old (see Vendor/cmark-gfm/README.md).
        .target(
            name: "CCmark",
            path: "Vendor/cmark-gfm",
            exclude: ["README.md", "COPYING"],
            cSettings: [
                .headerSearchPath("src"),
                .headerSearchPath("extensions"),
                .define("CMARK_GFM_STATIC_DEFINE"),
                .define("CMARK_GFM_EXTENSIONS_STATIC_DEFINE"),
            ]
        ),
        .target(
            name: "AcademyCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcademyCrypto",
            dependencies: ["COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcademyStore",
            dependencies: [
                "AcademyCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.copy("Migrations")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcademyContent",
            dependencies: ["CCmark", "AcademyCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // What the API, the web pages and the CLI share: access, accounts, certificates, course
        // folders, the attempt finisher and sweeper, blobs; built once in `AppDependencies`.
        .target(
            name: "AcademyServices",
            dependencies: [
                "AcademyCore", "AcademyCrypto", "AcademyStore", "AcademyContent",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcademyAPI",
            dependencies: [
                "AcademyCore", "AcademyCrypto", "AcademyStore", "AcademyContent", "AcademyServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // The web pages at `/`: server-rendered templates over the same services as the API.
        .target(
            name: "AcademyWeb",
            dependencies: [
                "AcademyCore", "AcademyCrypto", "AcademyStore", "AcademyServices", "AcademyAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Strings"), .copy("Assets")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "academy",
            dependencies: [
                "AcademyAPI", "AcademyWeb", "AcademyServices", "AcademyStore", "AcademyCore", "AcademyContent", "AcademyCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets that need a real PostgreSQL: one migrated template database,
        // one fresh clone of it per test.
        .target(
            name: "AcademyTestSupport",
            dependencies: [
                "AcademyStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AcademyTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AcademyCoreTests", dependencies: ["AcademyCore"], swiftSettings: swiftSettings),
        .testTarget(name: "AcademyCryptoTests", dependencies: ["AcademyCrypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AcademyStoreTests",
            dependencies: [
                "AcademyCore", "AcademyStore", "AcademyTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AcademyContentTests", dependencies: ["AcademyContent"], swiftSettings: swiftSettings),
        .testTarget(
            name: "AcademyAPITests",
            dependencies: [
                "AcademyAPI", "AcademyWeb", "AcademyServices", "AcademyStore", "AcademyTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "academyTests",
            dependencies: ["academy", "AcademyServices", "AcademyCore", "AcademyStore", "AcademyTestSupport",
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
    ]
)
