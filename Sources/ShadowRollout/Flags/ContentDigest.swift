import CLibCrypto
import Foundation

/// The identity of an input file for pooled evidence: the SHA-256 of its bytes, so the same scenarios under
/// another name (or the same name edited) are recognised by what they hold.
package enum ContentDigest {
    /// `sha256:` and 64 lowercase hex digits of the file's bytes (memory-mapped), or nil when it cannot be read.
    package static func identity(ofFile path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { content in
            _ = CLibCrypto.SHA256(content.bindMemory(to: UInt8.self).baseAddress, content.count, &digest)
        }
        return "sha256:" + digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
