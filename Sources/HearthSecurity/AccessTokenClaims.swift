import Foundation

/// What a verified access token says: who it was issued to, for which cluster and session, and
/// when it is valid. Only ``AccessTokenService/verify(_:now:)`` makes these from a token, after
/// checking its signature, key, cluster and validity period.
public struct AccessTokenClaims: Sendable, Hashable {
    /// `sub`: who the token speaks for, such as `user:alice` or `sa:ns/name`.
    public let subject: String
    /// `cid`: the cluster that issued the token.
    public let clusterID: String
    /// `sid`: the login session the token belongs to (revoking the session revokes its tokens).
    public let sessionID: String
    /// `iat`: when the token was issued; it is not valid before.
    public let issuedAt: Date
    /// `exp`: the token is not valid from this time on.
    public let expiresAt: Date
    /// `kid` of the header: the signing key that signed the token.
    public let keyID: String

    public init(
        subject: String, clusterID: String, sessionID: String, issuedAt: Date, expiresAt: Date, keyID: String
    ) {
        self.subject = subject
        self.clusterID = clusterID
        self.sessionID = sessionID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.keyID = keyID
    }
}
