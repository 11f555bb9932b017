// swift-tools-version:6.1
import PackageDescription

// The ceiling the academy's hot paths are compared with: the same Hummingbird and PostgresNIO
// versions, nothing else. Built in release by `Scripts/bench`; not part of the product.
let package = Package(
    name: "bare-reference",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "BareReference",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
