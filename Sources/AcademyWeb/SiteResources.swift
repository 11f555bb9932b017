import AcademyCrypto
import CompressNIO
import Foundation
import Mustache
import NIOCore

/// What the pages are made of, loaded once at start: the templates, the interface strings of
/// every language, and the static assets under their fingerprinted names.
struct SiteResources: Sendable {
    let templates: MustacheLibrary
    /// Interface strings by language; every language has every key (a test checks).
    let strings: [String: [String: String]]
    let stylesheetPath: String
    let scriptPath: String
    let assets: [String: StaticAsset]

    /// The interface languages, in the academy's order: Arabic first.
    static let interfaceLanguages = ["ar", "en", "fr", "es", "tr", "ur", "ms", "pt"]

    static func load() async throws -> SiteResources {
        guard let root = Bundle.module.resourceURL else {
            throw SiteResourceError.missing("the resource bundle")
        }
        let templates = try await MustacheLibrary(directory: root.appendingPathComponent("Templates").path)
        var strings: [String: [String: String]] = [:]
        for language in interfaceLanguages {
            let data = try Data(contentsOf: root.appendingPathComponent("Strings/\(language).json"))
            strings[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        var assets: [String: StaticAsset] = [:]
        func asset(_ name: String, _ contentType: String) throws -> String {
            let bytes = Array(try Data(contentsOf: root.appendingPathComponent("Assets/\(name)")))
            let asset = try StaticAsset(name: name, contentType: contentType, bytes: bytes)
            assets[asset.fingerprintedName] = asset
            return "/assets/\(asset.fingerprintedName)"
        }
        return SiteResources(
            templates: templates, strings: strings,
            stylesheetPath: try asset("academy.css", "text/css; charset=utf-8"),
            scriptPath: try asset("academy.js", "text/javascript; charset=utf-8"),
            assets: assets
        )
    }
}

enum SiteResourceError: Error, CustomStringConvertible {
    case missing(String)

    var description: String {
        switch self {
        case .missing(let what): "The web pages cannot start: \(what) is missing."
        }
    }
}

/// A file served under a name that changes with its content, so that browsers may keep it for
/// a year; kept in memory plain and gzipped.
struct StaticAsset: Sendable {
    let fingerprintedName: String
    let contentType: String
    let plain: ByteBuffer
    let gzipped: ByteBuffer

    init(name: String, contentType: String, bytes: [UInt8]) throws {
        let digest = SHA256Digest.hex(of: bytes).prefix(12)
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        fingerprintedName = "\(name[..<dot]).\(digest)\(name[dot...])"
        self.contentType = contentType
        plain = ByteBuffer(bytes: bytes)
        gzipped = try Compression.gzip(plain)
    }
}

enum Compression {
    static func gzip(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try input.compress(with: .gzip())
    }

    /// Whether the client takes gzip (`Accept-Encoding`; a q-value of 0 means it does not).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").prefix(20).contains { entry in
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.first == "gzip" || parts.first == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }
}
