import Crypto
import Foundation
import HearthCore
import SwiftASN1
import X509

/// A certificate revocation list (RFC 5280 §5, version 2) signed by a CA: which serials it revoked
/// and when.
///
/// swift-certificates 1.21 reads and builds certificates, CSRs and OCSP messages but not CRLs, so
/// the CRL's ASN.1 is written here with SwiftASN1's DER serializer: `CertificateList ::= SEQUENCE
/// { tbsCertList, signatureAlgorithm, signatureValue }`, the TBS holding version 2, the
/// ecdsa-with-SHA256 algorithm, the issuer's name, thisUpdate, nextUpdate, the revoked entries and
/// the authority key identifier and CRL number extensions.
public enum RevocationList {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The serial in hex (`openssl x509 -serial`).
        public var serial: String
        public var revokedAt: Date

        public init(serial: String, revokedAt: Date) {
            self.serial = serial
            self.revokedAt = revokedAt
        }
    }

    /// The DER of a CRL signed by `authority`.
    public static func der(
        authority: CertificateAuthority, entries: [Entry], number: Int64, thisUpdate: Date = Date(), nextUpdate: Date
    ) throws -> [UInt8] {
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try algorithm(&coder)
            try coder.serialize(authority.certificate.subject)
            try time(thisUpdate, &coder)
            try time(nextUpdate, &coder)
            if !entries.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { list in
                    for entry in entries {
                        guard let serial = hexBytes(entry.serial) else { continue }
                        try list.appendConstructedNode(identifier: .sequence) { item in
                            item.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: serial) }
                            try time(entry.revokedAt, &item)
                        }
                    }
                }
            }
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { explicit in
                try explicit.appendConstructedNode(identifier: .sequence) { extensions in
                    if let keyID = try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier {
                        try extensions.serialize(try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keyID), critical: false))
                    }
                    // cRLNumber (2.5.29.20)
                    try extensions.appendConstructedNode(identifier: .sequence) { ext in
                        try ext.serialize(ASN1ObjectIdentifier(elements: [2, 5, 29, 20]))
                        var inner = DER.Serializer()
                        try inner.serialize(number)
                        try ext.serialize(ASN1OctetString(contentBytes: ArraySlice(inner.serializedBytes)))
                    }
                }
            }
        }
        let tbsBytes = tbs.serializedBytes
        let signature = try authority.privateKey.signature(for: tbsBytes).derRepresentation
        var list = DER.Serializer()
        try list.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try algorithm(&coder)
            try coder.serialize(ASN1BitString(bytes: ArraySlice(signature)))
        }
        return list.serializedBytes
    }

    /// The PEM (`X509 CRL`) of DER bytes.
    public static func pem(_ der: [UInt8]) -> String {
        PEMDocument(type: "X509 CRL", derBytes: der).pemString + "\n"
    }

    private static func algorithm(_ coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(ASN1ObjectIdentifier(elements: [1, 2, 840, 10045, 4, 3, 2]))
        }
    }

    /// UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §5.1.2.4).
    private static func time(_ date: Date, _ coder: inout DER.Serializer) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (year, month, day, hour, minute, second) = (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        if year < 2050 {
            try coder.serialize(try UTCTime(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second))
        } else {
            try coder.serialize(
                try GeneralizedTime(year: year, month: month, day: day, hours: hour, minutes: minute, seconds: second, fractionalSeconds: 0))
        }
    }

    /// The bytes of a hex serial, as a positive DER INTEGER's content.
    static func hexBytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        if bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return bytes
    }
}
