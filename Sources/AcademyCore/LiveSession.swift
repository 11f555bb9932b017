public import Foundation

/// A live session's title and description in one language; the HTML is rendered from the
/// Markdown when stored, as a lesson's is.
public struct LiveSessionText: Sendable, Equatable {
    public var title: String
    public var descriptionMarkdown: String
    public var descriptionHTML: String

    public init(title: String, descriptionMarkdown: String, descriptionHTML: String) {
        self.title = title
        self.descriptionMarkdown = descriptionMarkdown
        self.descriptionHTML = descriptionHTML
    }
}

/// A lecture held live at a set time (a course item beside lessons and quizzes): the main meeting
/// link, an interpretation channel per language, and once it is over, its recording.
public struct LiveSession: Sendable, Equatable {
    public var id: UUID
    public var courseID: UUID
    public var moduleID: UUID
    public var position: Int
    public var releaseAt: Date?
    public var requiresPrevious: Bool
    public var startsAt: Date
    public var durationMinutes: Int
    public var meetingURL: String
    /// The interpretation channel of each language that has one.
    public var channels: [String: String]
    /// Attendance counts toward course completion, as a required quiz's pass does.
    public var required: Bool
    public var cancelled: Bool
    public var recordingURL: String?
    public var translations: [String: LiveSessionText]
    public var updatedAt: Date
    /// RFC 5545 SEQUENCE: how many times the session changed since it was made.
    public var calendarSequence: Int
    public var key: String?

    public init(
        id: UUID, courseID: UUID, moduleID: UUID, position: Int, releaseAt: Date?, requiresPrevious: Bool, startsAt: Date,
        durationMinutes: Int, meetingURL: String, channels: [String: String], required: Bool, cancelled: Bool, recordingURL: String?,
        translations: [String: LiveSessionText], updatedAt: Date, calendarSequence: Int, key: String? = nil
    ) {
        self.id = id
        self.courseID = courseID
        self.moduleID = moduleID
        self.position = position
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.meetingURL = meetingURL
        self.channels = channels
        self.required = required
        self.cancelled = cancelled
        self.recordingURL = recordingURL
        self.translations = translations
        self.updatedAt = updatedAt
        self.calendarSequence = calendarSequence
        self.key = key
    }

    public var endsAt: Date { startsAt.addingTimeInterval(TimeInterval(durationMinutes * 60)) }
}

/// Where a student stands with a session's links at a moment: the one rule behind the session's
/// API document, its page and check-in.
public enum LiveSessionPhase: String, Sendable, Equatable {
    /// Links are not shown yet (they are from `linksFrom`).
    case upcoming
    /// From shortly before the start to the end: links shown, check-in open.
    case live
    /// Over: no meeting links, the recording if there is one.
    case ended
    case cancelled
}

/// What a reader is shown of a session at a moment: the one rule behind the session's API
/// document, its page and the download of its files. Editors see every link at any time; a
/// student the join link (their language's channel, else the main link) only while the session
/// is live, and the recording (its link and files) once it is over.
public struct LiveSessionView: Sendable, Equatable {
    public let phase: LiveSessionPhase
    /// The link to join, when shown.
    public let joinURL: String?
    /// The language of the channel in `joinURL`; nil for the main link or when not shown.
    public let channelLanguage: String?
    public let showsRecording: Bool

    /// `preferences`: the reader's languages as `Languages.negotiate` takes them.
    public init(
        _ session: LiveSession, isEditor: Bool, preferences: (query: String?, acceptLanguage: String?, userLocale: String?),
        at now: Date, leadTime: TimeInterval
    ) {
        phase = LiveSessionRules.phase(of: session, at: now, leadTime: leadTime)
        let chosen = Languages.negotiate(
            query: preferences.query, acceptLanguage: preferences.acceptLanguage, userLocale: preferences.userLocale,
            available: session.channels.keys.sorted(), fallback: ""
        )
        let link = LiveSessionRules.joinLink(of: session, language: chosen)
        let showsLinks = isEditor || phase == .live
        joinURL = showsLinks ? link.url : nil
        channelLanguage = showsLinks ? link.channel : nil
        showsRecording = isEditor || phase == .ended
    }
}

public enum LiveSessionRules {
    public static let maximumDurationMinutes = 1440
    public static let maximumLinkLength = 2000
    public static let descriptionMaximumBytes = 100_000

    /// When a session's links appear and check-in opens, `leadTime` before its start.
    public static func linksFrom(_ session: LiveSession, leadTime: TimeInterval) -> Date {
        session.startsAt.addingTimeInterval(-leadTime)
    }

    public static func phase(of session: LiveSession, at now: Date, leadTime: TimeInterval) -> LiveSessionPhase {
        if session.cancelled { return .cancelled }
        if now < linksFrom(session, leadTime: leadTime) { return .upcoming }
        return now < session.endsAt ? .live : .ended
    }

    /// The link a student joins by: the interpretation channel of `language` when the session
    /// has one, else the main meeting link (whose language is the session's own).
    public static func joinLink(of session: LiveSession, language: String) -> (url: String, channel: String?) {
        if let channel = session.channels[language] { return (channel, language) }
        return (session.meetingURL, nil)
    }

    /// Students check in only while the session is live; again is fine (the first time stays).
    public static func requireCheckInOpen(_ session: LiveSession, at now: Date, leadTime: TimeInterval) throws(AcademyError) {
        switch phase(of: session, at: now, leadTime: leadTime) {
        case .live: return
        case .upcoming: throw .conflict("Check-in opens at \(RFC3339.string(from: linksFrom(session, leadTime: leadTime))), shortly before the session starts.")
        case .ended: throw .conflict("The session is over; check-in closed at its end.")
        case .cancelled: throw .conflict("The session was cancelled.")
        }
    }

    /// A session's files (its recording) are shown as `LiveSessionView` says.
    public static func requireRecordingShown(_ view: LiveSessionView) throws(AcademyError) {
        guard view.showsRecording else {
            throw .forbidden("The session's recording is available once the session is over.")
        }
    }

    /// A participants report belongs to a session that took place: one not yet begun or
    /// cancelled has no participants to import.
    public static func requireReportable(_ session: LiveSession, at now: Date) throws(AcademyError) {
        if session.cancelled { throw .conflict("The session was cancelled; it has no participants to import.") }
        if now < session.startsAt { throw .conflict("The session has not started yet; import its participants report after it.") }
    }

    /// An absolute http(s) link of at most 2000 characters with a host, no spaces or control
    /// characters: what meeting services (Zoom, BigBlueButton, Jitsi) hand out.
    public static func link(_ raw: String, field: String) -> Result<String, FieldError> {
        let link = raw.trimmingCharacters(in: .whitespaces)
        let lowered = link.lowercased()
        guard (1...maximumLinkLength).contains(link.count),
              lowered.hasPrefix("https://") || lowered.hasPrefix("http://"),
              !link.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }),
              let components = URLComponents(string: link), let host = components.host, !host.isEmpty
        else {
            return .failure(FieldError(field: field, message: "must be an http or https link of at most \(maximumLinkLength) characters"))
        }
        return .success(link)
    }

    public static func duration(_ minutes: Int, field: String = "duration_minutes") -> Result<Int, FieldError> {
        (1...maximumDurationMinutes).contains(minutes)
            ? .success(minutes)
            : .failure(FieldError(field: field, message: "must be from 1 to \(maximumDurationMinutes) minutes"))
    }

    /// Interpretation channels keyed by language: every key an offered language, every value a link.
    public static func channels(_ channels: [String: String], offered: [String], into validation: inout FieldValidation) -> [String: String] {
        var valid: [String: String] = [:]
        for (language, raw) in channels.sorted(by: { $0.key < $1.key }) {
            guard offered.contains(language) else {
                validation.add(FieldError(field: "channels.\(language)", message: "is not one of the academy's languages: \(offered.joined(separator: ", "))"))
                continue
            }
            if let link = validation.check(link(raw, field: "channels.\(language)")) {
                valid[language] = link
            }
        }
        return valid
    }

    public static func description(_ raw: String, field: String) -> Result<String, FieldError> {
        CourseRules.body(raw, field: field, maximumBytes: descriptionMaximumBytes)
    }
}

/// A student's attendance across a course's sessions, as registers and exports count it: the
/// sessions held (cancelled ones left out), in course order.
public struct AttendanceSummary: Sendable, Equatable {
    /// The held sessions the student attended, in course order.
    public let attended: [UUID]
    public let requiredAttended: Int

    public init(attended: Set<UUID>, sessions: [LiveSession]) {
        let held = sessions.filter { !$0.cancelled && attended.contains($0.id) }
        self.attended = held.map(\.id)
        requiredAttended = held.filter(\.required).count
    }
}

/// A live session's settings, checked: what the API, a course folder and the store share.
public struct LiveSessionSettings: Sendable, Equatable {
    public var startsAt: Date
    public var durationMinutes: Int
    public var meetingURL: String
    public var channels: [String: String]
    public var required: Bool
    public var cancelled: Bool
    public var recordingURL: String?

    public init(startsAt: Date, durationMinutes: Int, meetingURL: String, channels: [String: String], required: Bool, cancelled: Bool, recordingURL: String?) {
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.meetingURL = meetingURL
        self.channels = channels
        self.required = required
        self.cancelled = cancelled
        self.recordingURL = recordingURL
    }
}

extension LiveSession {
    public var settings: LiveSessionSettings {
        LiveSessionSettings(
            startsAt: startsAt, durationMinutes: durationMinutes, meetingURL: meetingURL, channels: channels, required: required,
            cancelled: cancelled, recordingURL: recordingURL
        )
    }
}

/// A live session as an author writes it: the fields of the API's body (apart from its place in
/// the course) and of a course folder's `live-sessions/KEY.yaml`, checked by one rule.
public struct LiveSessionSource: Codable, Sendable, Equatable {
    public struct Text: Codable, Sendable, Equatable {
        public var title: String
        public var descriptionMarkdown: String?

        public init(title: String, descriptionMarkdown: String?) {
            self.title = title
            self.descriptionMarkdown = descriptionMarkdown
        }
    }

    public var startsAt: Date?
    public var durationMinutes: Int?
    public var meetingUrl: String?
    public var channels: [String: String]?
    public var required: Bool?
    public var cancelled: Bool?
    public var recordingUrl: String?
    public var translations: [String: Text]?

    public init(
        startsAt: Date?, durationMinutes: Int?, meetingUrl: String?, channels: [String: String]?, required: Bool?, cancelled: Bool?,
        recordingUrl: String?, translations: [String: Text]?
    ) {
        self.startsAt = startsAt
        self.durationMinutes = durationMinutes
        self.meetingUrl = meetingUrl
        self.channels = channels
        self.required = required
        self.cancelled = cancelled
        self.recordingUrl = recordingUrl
        self.translations = translations
    }

    /// The canonical source of checked settings and texts: what is at its default left out.
    public init(_ settings: LiveSessionSettings, texts: [String: (title: String, description: String)]) {
        self.init(
            startsAt: settings.startsAt, durationMinutes: settings.durationMinutes, meetingUrl: settings.meetingURL,
            channels: settings.channels.isEmpty ? nil : settings.channels, required: settings.required ? true : nil,
            cancelled: settings.cancelled ? true : nil, recordingUrl: settings.recordingURL,
            translations: texts.mapValues { Text(title: $0.title, descriptionMarkdown: $0.description.isEmpty ? nil : $0.description) }
        )
    }

    /// The settings and the texts (title and Markdown description by language), or nil with
    /// every problem in `validation`.
    public func validated(
        defaultLanguage: String, offered: [String], into validation: inout FieldValidation
    ) -> (settings: LiveSessionSettings, texts: [String: (title: String, description: String)])? {
        let startsAt = validation.require(startsAt, "starts_at")
        let duration = validation.check(validation.require(durationMinutes, "duration_minutes")) { LiveSessionRules.duration($0) }
        let meetingURL = validation.check(validation.require(meetingUrl, "meeting_url")) { LiveSessionRules.link($0, field: "meeting_url") }
        let channels = LiveSessionRules.channels(channels ?? [:], offered: offered, into: &validation)
        let recordingURL = validation.check(recordingUrl) { LiveSessionRules.link($0, field: "recording_url") }
        let texts = validation.require(translations, "translations").map { translations in
            CourseRules.titledTexts(
                translations.mapValues { ($0.title, $0.descriptionMarkdown ?? "") }, textField: "description_markdown",
                textRule: LiveSessionRules.description, defaultLanguage: defaultLanguage, offered: offered, into: &validation
            ).mapValues { (title: $0.title, description: $0.text) }
        } ?? [:]
        guard validation.errors.isEmpty, let startsAt, let duration, let meetingURL else { return nil }
        return (
            LiveSessionSettings(
                startsAt: startsAt, durationMinutes: duration, meetingURL: meetingURL, channels: channels, required: required ?? false,
                cancelled: cancelled ?? false, recordingURL: recordingURL
            ),
            texts
        )
    }
}
