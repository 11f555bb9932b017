public import ServiceLifecycle

/// A service that describes itself by its type's name. ServiceLifecycle logs each service at
/// start-up; a struct's default description would spell out everything it holds: every
/// repository, every migration's SQL.
public protocol NamedService: Service, CustomStringConvertible {}

extension NamedService {
    public var description: String { String(describing: Self.self) }
}
