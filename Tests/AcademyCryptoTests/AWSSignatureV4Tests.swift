import AcademyCrypto
import Testing

/// The examples of AWS's own Signature Version 4 documentation for S3 ("Examples: signature
/// calculations in AWS Signature Version 4"), with its example credentials.
@Suite struct AWSSignatureV4Tests {
    let signer = AWSSignatureV4(
        credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1"
    )

    @Test func signsAGetWithARange() {
        let authorization = signer.authorization(
            method: "GET", path: "/test.txt", query: [],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", AWSSignatureV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: AWSSignatureV4.emptyPayloadHash, amzDate: "20130524T000000Z"
        )
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func signsAPutWithAReservedCharacterInItsKey() {
        let payloadHash = SHA256Digest.hex(of: Array("Welcome to Amazon S3.".utf8))
        let authorization = signer.authorization(
            method: "PUT", path: "/test$file.text", query: [],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-content-sha256", payloadHash), ("x-amz-date", "20130524T000000Z"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            payloadHash: payloadHash, amzDate: "20130524T000000Z"
        )
        #expect(authorization.hasSuffix("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
    }

    @Test func signsAQueryInItsCanonicalOrder() {
        let authorization = signer.authorization(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"),
                ("x-amz-content-sha256", AWSSignatureV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: AWSSignatureV4.emptyPayloadHash, amzDate: "20130524T000000Z"
        )
        #expect(authorization.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
    }

    @Test func encodesAllButUnreservedCharacters() {
        #expect(AWSSignatureV4.encoded("a b/ç~*") == "a%20b%2F%C3%A7~%2A")
        #expect(AWSSignatureV4.encoded("blobs/ab/x y", keepingSlashes: true) == "blobs/ab/x%20y")
    }
}
