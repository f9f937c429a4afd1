/// What a ``HearthClient`` authenticates with (`Authorization: Bearer`).
public enum ClientCredentials: Sendable {
    /// Nothing: only anonymous routes (health, cluster info, setup, login) answer.
    case none
    /// A fixed access token or API key, never refreshed. `origin` names where it came from
    /// (e.g. `HEARTH_TOKEN`) for error messages.
    case token(String, origin: String)
    /// A stored login, refreshed when it is about to expire or is refused.
    case session(LoginSession)
}
