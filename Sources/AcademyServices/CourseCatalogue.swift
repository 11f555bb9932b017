public import AcademyCore
import AcademyStore

/// The published catalogue, for the API and the web pages alike: read from the replica when there
/// is one (see `ReplicaReads`), since it may lag a little and is read far more than it changes.
public struct CourseCatalogue: Sendable {
    let reads: ReplicaReads

    public init(reads: ReplicaReads) {
        self.reads = reads
    }

    public func page(query: String?, languages: [String], page: PageRequest, for principal: Principal?) async throws -> Page<Course> {
        try await reads.run(for: principal) { database in
            try await CourseRepository(database: database).catalogue(query: query, languages: languages, page: page)
        }
    }
}
