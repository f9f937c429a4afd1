import JWTKit

/// The JSON payload of an access token. Times are whole Unix seconds, as RFC 7519 has them.
///
/// `verify(using:)` checks nothing: ``AccessTokenService`` checks the times against the clock it is
/// given, with its leeway, after jwt-kit has checked the signature.
struct AccessTokenPayload: JWTPayload, Equatable {
    var sub: String
    var cid: String
    var sid: String
    var iat: Int64
    /// Not issued (a token is valid from `iat`), still honoured when present: the tokens of
    /// earlier versions carry it, and their `jti`, which nothing reads.
    var nbf: Int64? = nil
    var exp: Int64

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
