/// Who may be served from a read replica, which may lag the primary by a few seconds: only
/// readers who do not write what such reads show. Instructors and admins make and publish the
/// courses of the catalogue and revoke certificates, and must see their changes at once; a visitor
/// or a student writes nothing the catalogue or a certificate shows.
public enum LaggingReads {
    public static func allowed(for principal: Principal?) -> Bool {
        (principal?.role ?? .student) == .student
    }
}
