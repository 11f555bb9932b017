import AcademyCore
import Hummingbird

/// A table as a CSV download (UTF-8 with a byte-order mark, so spreadsheets show Arabic names):
/// the gradebook, a session's register, a course's attendance.
enum SpreadsheetDownload {
    static func csv(_ rows: [[String]], filename: String, language: String? = nil) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/csv; charset=utf-8",
            .contentDisposition: AttachmentRules.contentDisposition(filename: filename, mediaType: "text/csv"),
            .vary: "Accept, Accept-Language",
        ]
        if let language { headers[.contentLanguage] = language }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: CSV.document(rows))))
    }
}
