import Foundation
@testable import HearthStore
import Testing

/// A new resource's uid is a version 4 UUID in lowercase, and each is new.
@Suite("Resource uids")
struct ResourceUIDTests {
    @Test("random version 4 UUIDs, lowercase, all different")
    func uids() throws {
        let uids = (0..<1000).map { _ in MutationEngine.newUID() }
        #expect(Set(uids).count == uids.count)
        for uid in uids {
            let parsed = try #require(UUID(uuidString: uid))
            #expect(parsed.uuidString.lowercased() == uid)
            let bytes = parsed.uuid
            #expect(bytes.6 >> 4 == 4)
            #expect(bytes.8 >> 6 == 0b10)
        }
    }
}
