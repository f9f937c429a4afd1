/// The tokens `POST /v1/setup`, `/v1/auth/login` and `/v1/auth/refresh` answer with.
public struct TokenGrant: Codable, Sendable {
    public var accessToken: String
    /// Absent when the grant cannot be refreshed (an API key's exchange).
    public var refreshToken: String?
    /// When the access token expires (RFC 3339).
    public var expiresAt: String?
    public var sessionID: String?
    public var tokenType: String?
}
