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
    var nbf: Int64
    var exp: Int64
    var jti: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
