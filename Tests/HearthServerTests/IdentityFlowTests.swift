import Foundation
import HearthCore
import HearthTestSupport
import Testing

/// Users, groups, service accounts, API keys, namespaces' owners, public resources and the audit
/// trail, through the API as users drive them.
@Suite("Identity flows")
struct IdentityFlowTests {
    @Test("disabling a user ends its sessions; enabling it does not bring them back", arguments: Backend.enabled)
    func disable(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let token = try await api.user("dana")
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(token)).status == 200)
            let disabled = try await api.request(.patch, "/v1/users/dana", json: #"{"spec":{"disabled":true}}"#, contentType: "application/merge-patch+json")
            #expect(disabled.status == 200)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(token)).status == 401)
            let login = try await api.request(.post, "/v1/auth/login", json: #"{"username":"dana","password":"a long enough password"}"#, as: .none)
            #expect(login.status == 401)
            #expect(login.text.contains("invalid username or password"))
            _ = try await api.request(.patch, "/v1/users/dana", json: #"{"spec":{"disabled":false}}"#, contentType: "application/merge-patch+json")
            // The old session stays ended (revoked in the store, not just refused while disabled).
            try await eventually { try await api.request(.get, "/v1/auth/whoami", as: .bearer(token)).status == 401 }
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(try await api.login("dana"))).status == 200)
        }
    }

    @Test("login errors do not tell unknown users from wrong passwords, and attempts are rate-limited per account")
    func bruteForce() async throws {
        try await APIFixture.with(.sqlite) { api in
            _ = try await api.user("erin")
            let unknown = try await api.request(.post, "/v1/auth/login", json: #"{"username":"nobody","password":"whatever it is"}"#, as: .none)
            let wrong = try await api.request(.post, "/v1/auth/login", json: #"{"username":"erin","password":"whatever it is"}"#, as: .none)
            #expect(unknown.status == 401)
            #expect(wrong.status == 401)
            #expect(unknown.json["detail"] == wrong.json["detail"])
            // Five failures in a row lock the account (one more is allowed every 12 s, so on a slow
            // machine, where each scrypt takes long, a few more attempts may pass first).
            var statuses: [Int] = []
            while statuses.count < 12, !statuses.contains(429) {
                statuses.append(try await api.request(.post, "/v1/auth/login", json: #"{"username":"erin","password":"guess guess guess"}"#, as: .none).status)
            }
            #expect(statuses.contains(429), "\(statuses)")
            // Even the right password waits now: the account is locked for a while.
            let right = try await api.request(.post, "/v1/auth/login", json: #"{"username":"erin","password":"a long enough password"}"#, as: .none)
            #expect(right.status == 429)
            #expect(right.headers[.retryAfter] != nil)
        }
    }

    @Test("users change their own password with the current one; their other sessions end")
    func password() async throws {
        try await APIFixture.with(.sqlite) { api in
            let token = try await api.user("fay")
            let other = try await api.login("fay")
            let wrongCurrent = try await api.request(
                .post, "/v1/users/fay/password", json: #"{"currentPassword":"not it at all","newPassword":"a brand new passphrase"}"#, as: .bearer(token))
            #expect(wrongCurrent.status == 403)
            let changed = try await api.request(
                .post, "/v1/users/fay/password", json: #"{"currentPassword":"a long enough password","newPassword":"a brand new passphrase"}"#,
                as: .bearer(token))
            #expect(changed.status == 204, "\(changed.text)")
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(other)).status == 401)
            _ = try await api.login("fay", password: "a brand new passphrase")
            let old = try await api.request(.post, "/v1/auth/login", json: #"{"username":"fay","password":"a long enough password"}"#, as: .none)
            #expect(old.status == 401)
        }
    }

    @Test("API keys: shown once, usable as a bearer or exchanged for a token, expire, and revoke at once", arguments: Backend.enabled)
    func apiKeys(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let token = try await api.user("gus")
            let created = try await api.request(.post, "/v1/apikeys", json: #"{"name":"ci","expiresIn":"720h"}"#, as: .bearer(token))
            #expect(created.status == 201)
            let key = try #require(created.json["key"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(key.hasPrefix("hth_\(id)_"))
            #expect(created.json["prefix"]?.stringValue == "hth_\(id)_")
            let whoami = try await api.request(.get, "/v1/auth/whoami", as: .bearer(key))
            #expect(whoami.json["subject"] == "user:gus")
            #expect(whoami.json["authenticatedBy"] == "api-key")
            // Listed without the key.
            let list = try await api.request(.get, "/v1/apikeys", as: .bearer(token))
            #expect(list.json["items"]?.arrayValue?.count == 1)
            #expect(!list.text.contains(key))
            #expect(list.json["items"]?.arrayValue?.first?["digest"] == nil)
            // Exchanged for an access token.
            let exchanged = try await api.request(.post, "/v1/auth/token", json: #"{"grant_type":"api_key","api_key":"\#(key)"}"#, as: .none)
            #expect(exchanged.status == 200)
            let access = try #require(exchanged.json["accessToken"]?.stringValue)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(access)).status == 200)
            // Someone else cannot revoke it; its owner can, and it stops at once.
            let stranger = try await api.user("hal")
            #expect(try await api.request(.delete, "/v1/apikeys/\(id)", as: .bearer(stranger)).status == 404)
            #expect(try await api.request(.delete, "/v1/apikeys/\(id)", as: .bearer(token)).status == 204)
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(key)).status == 401)
            // An expired key.
            let short = try await api.request(.post, "/v1/apikeys", json: #"{"expiresIn":"1s"}"#, as: .bearer(token))
            let shortKey = try #require(short.json["key"]?.stringValue)
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await api.request(.get, "/v1/auth/whoami", as: .bearer(shortKey)).status == 401)
            // Bad input.
            #expect(try await api.request(.post, "/v1/apikeys", json: #"{"expiresIn":"soon"}"#, as: .bearer(token)).status == 422)
        }
    }

    @Test("namespace owners manage members and service accounts; a service account's key carries only its bindings")
    func namespaceOwners() async throws {
        try await APIFixture.with(.sqlite) { api in
            // Let every user create namespaces, as an admin might.
            let role = try await api.request(
                .post, "/v1/roles", json: #"{"name":"namespace-maker","spec":{"rules":[{"verbs":["create"],"resources":["namespaces"]}]}}"#)
            #expect(role.status == 201)
            let binding = try await api.request(
                .post, "/v1/clusterrolebindings", json: #"{"name":"everyone-makes-namespaces","spec":{"role":"namespace-maker","subjects":["group:staff"]}}"#)
            #expect(binding.status == 201)
            _ = try await api.request(.post, "/v1/groups", json: #"{"name":"staff","spec":{"members":["ivy","jon"]}}"#)
            let ivy = try await api.user("ivy")
            let jon = try await api.user("jon")
            // ivy makes a namespace and owns it; jon cannot see it.
            try await api.createNamespace("ivy-lab", as: .bearer(ivy))
            let made = try await api.request(.get, "/v1/namespaces/ivy-lab", as: .bearer(ivy))
            #expect(made.json["spec"]?["owners"] == .array(["user:ivy"]))
            #expect(made.json["owner"] == "user:ivy")
            #expect(try await api.request(.get, "/v1/namespaces/ivy-lab/gadgets", as: .bearer(jon)).status == 404)
            // The group grant does not let jon into ivy's namespace, nor let him delete it.
            #expect(try await api.request(.delete, "/v1/namespaces/ivy-lab", as: .bearer(jon)).status == 404)
            // ivy adds jon as an editor: he writes, but cannot change membership.
            let patched = try await api.request(
                .patch, "/v1/namespaces/ivy-lab", json: #"{"spec":{"editors":["user:jon"]}}"#, contentType: "application/merge-patch+json", as: .bearer(ivy))
            #expect(patched.status == 200, "\(patched.text)")
            #expect(try await api.request(.post, "/v1/namespaces/ivy-lab/gadgets", json: #"{"name":"g1"}"#, as: .bearer(jon)).status == 201)
            let grab = try await api.request(
                .patch, "/v1/namespaces/ivy-lab", json: #"{"spec":{"owners":["user:jon"]}}"#, contentType: "application/merge-patch+json", as: .bearer(jon))
            #expect(grab.status == 403)
            #expect(try await api.request(.post, "/v1/namespaces/ivy-lab/rolebindings", json: #"{"name":"x","spec":{"role":"owner","subjects":["user:jon"]}}"#, as: .bearer(jon)).status == 403)
            // A service account with a key: it can do what its bindings say, here only read gadgets.
            #expect(try await api.request(.post, "/v1/namespaces/ivy-lab/serviceaccounts", json: #"{"name":"bot"}"#, as: .bearer(ivy)).status == 201)
            let reader = try await api.request(
                .post, "/v1/namespaces/ivy-lab/rolebindings", json: #"{"name":"bot-reads","spec":{"role":"viewer","subjects":["serviceaccount:ivy-lab/bot"]}}"#,
                as: .bearer(ivy))
            #expect(reader.status == 201)
            // Editors may not mint the account's keys (that would be granting); owners may.
            #expect(try await api.request(.post, "/v1/apikeys", json: #"{"serviceAccount":"ivy-lab/bot"}"#, as: .bearer(jon)).status == 403)
            let key = try await api.request(.post, "/v1/apikeys", json: #"{"serviceAccount":"ivy-lab/bot"}"#, as: .bearer(ivy))
            #expect(key.status == 201)
            let botKey = try #require(key.json["key"]?.stringValue)
            #expect(try await api.request(.get, "/v1/namespaces/ivy-lab/gadgets/g1", as: .bearer(botKey)).status == 200)
            #expect(try await api.request(.delete, "/v1/namespaces/ivy-lab/gadgets/g1", as: .bearer(botKey)).status == 403)
            #expect(try await api.request(.get, "/v1/namespaces", as: .bearer(botKey)).json["items"]?.arrayValue?.count == 1)
            // Deleting the account ends its key.
            #expect(try await api.request(.delete, "/v1/namespaces/ivy-lab/serviceaccounts/bot", as: .bearer(ivy)).status == 200)
            try await eventually { try await api.request(.get, "/v1/auth/whoami", as: .bearer(botKey)).status == 401 }
            // An owner deletes an empty namespace, but not one with everything in it: that is for admins.
            #expect(try await api.request(.delete, "/v1/namespaces/ivy-lab?cascade=true", as: .bearer(ivy)).status == 403)
            #expect(try await api.request(.delete, "/v1/namespaces/ivy-lab", as: .bearer(ivy)).status == 409)
            // Removing jon from the group takes away namespace creation.
            _ = try await api.request(.put, "/v1/groups/staff", json: #"{"name":"staff","spec":{"members":["ivy"]}}"#)
            #expect(try await api.request(.post, "/v1/namespaces", json: #"{"name":"jons"}"#, as: .bearer(jon)).status == 403)
        }
    }

    @Test("a public resource is readable by every authenticated caller and writable only inside its namespace")
    func publicResources() async throws {
        try await APIFixture.with(.sqlite) { api in
            try await api.createNamespace("recipes")
            _ = try await api.request(.post, "/v1/namespaces/recipes/gadgets", json: #"{"name":"shared","labels":{"hearth.io/public":"true"}}"#)
            _ = try await api.request(.post, "/v1/namespaces/recipes/gadgets", json: #"{"name":"private"}"#)
            let kim = try await api.user("kim")
            #expect(try await api.request(.get, "/v1/namespaces/recipes/gadgets/shared", as: .bearer(kim)).status == 200)
            #expect(try await api.request(.get, "/v1/namespaces/recipes/gadgets/private", as: .bearer(kim)).status == 404)
            let list = try await api.request(.get, "/v1/namespaces/recipes/gadgets", as: .bearer(kim))
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["shared"])
            #expect(try await api.request(.put, "/v1/namespaces/recipes/gadgets/shared", json: #"{"name":"shared"}"#, as: .bearer(kim)).status == 404)
            #expect(try await api.request(.get, "/v1/namespaces/recipes/gadgets/shared", as: .none).status == 401)
        }
    }

    @Test("the audit trail records writes and refusals with who, what and why, never a password, and filters", arguments: Backend.enabled)
    func audit(backend: Backend) async throws {
        try await APIFixture.with(backend) { api in
            let lee = try await api.user("lee", password: "my secret passphrase")
            try await api.createNamespace("ops")
            #expect(try await api.request(.delete, "/v1/namespaces/ops", as: .bearer(lee)).status == 404)
            _ = try await api.request(.post, "/v1/auth/login", json: #"{"username":"lee","password":"the wrong passphrase"}"#, as: .none)
            let denied = try await api.request(.get, "/v1/audit?principal=user:lee&decision=denied")
            #expect(denied.status == 200)
            let entries = denied.json["items"]?.arrayValue ?? []
            #expect(entries.contains { $0["verb"] == "delete" && $0["resource"] == "namespaces" && $0["name"] == "ops" && $0["status"] == 404 })
            #expect(entries.contains { $0["verb"] == "login" && $0["status"] == 401 })
            let created = try await api.request(.get, "/v1/audit?resource=namespaces&verb=create")
            let entry = try #require(created.json["items"]?.arrayValue?.first)
            #expect(entry["principal"] == "user:admin")
            #expect(entry["decision"] == "allowed")
            #expect(entry["status"] == 201)
            #expect(entry["reason"]?.stringValue?.contains("cluster-admin") == true)
            #expect(entry["source"] == "127.0.0.1")
            #expect(entry["requestID"]?.stringValue?.isEmpty == false)
            // A namespace's own entries are filed under it: its creation, and the refused delete.
            let ops = try await api.request(.get, "/v1/audit?namespace=ops").json["items"]?.arrayValue ?? []
            #expect(ops.contains { $0["verb"] == "create" && $0["name"] == "ops" && $0["namespace"] == "ops" && $0["status"] == 201 })
            #expect(ops.contains { $0["verb"] == "delete" && $0["name"] == "ops" && $0["decision"] == "denied" })
            // Paging, newest first.
            let page = try await api.request(.get, "/v1/audit?limit=2")
            let next = try #require(page.json["next"]?.stringValue)
            let ids = page.json["items"]?.arrayValue?.compactMap { $0["id"]?.int64Value } ?? []
            #expect(ids == ids.sorted(by: >))
            let second = try await api.request(.get, "/v1/audit?limit=2&before=\(next)")
            #expect((second.json["items"]?.arrayValue?.first?["id"]?.int64Value ?? .max) < ids.last!)
            // Nothing secret, anywhere in the trail.
            let all = try await api.request(.get, "/v1/audit?limit=1000")
            for secret in ["my secret passphrase", "the wrong passphrase", APIFixture.adminPassword, lee, api.adminToken] {
                #expect(!all.text.contains(secret))
            }
            // Only admins read it.
            #expect(try await api.request(.get, "/v1/audit", as: .bearer(lee)).status == 403)
            #expect(try await api.request(.get, "/v1/audit?since=yesterday").status == 400)
        }
    }

    /// Retries `condition` for up to five seconds (for changes another task applies).
    func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<100 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await condition())
    }
}
