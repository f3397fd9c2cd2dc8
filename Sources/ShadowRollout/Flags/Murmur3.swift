/// MurmurHash3 (Austin Appleby's public-domain hash), the x86 32-bit variant. Unleash hashes
/// `"<group>:<userId>"` with it to place users in rollout buckets; ``Bucketing/murmur3`` uses it
/// the same way so that our buckets match an Unleash-style rollout.
enum Murmur3 {
    /// MurmurHash3_x86_32 of `data`: blocks are read little-endian, as in the reference
    /// implementation and in Python's `mmh3.hash(data, seed, signed=False)`.
    static func x86_32(_ data: [UInt8], seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51
        let c2: UInt32 = 0x1b87_3593
        var h1 = seed
        let blockCount = data.count / 4

        for block in 0..<blockCount {
            let base = block * 4
            var k1 = UInt32(data[base])
                | UInt32(data[base + 1]) << 8
                | UInt32(data[base + 2]) << 16
                | UInt32(data[base + 3]) << 24
            k1 &*= c1
            k1 = rotateLeft(k1, by: 15)
            k1 &*= c2
            h1 ^= k1
            h1 = rotateLeft(h1, by: 13)
            h1 = h1 &* 5 &+ 0xe654_6b64
        }

        let tail = blockCount * 4
        var k1: UInt32 = 0
        switch data.count & 3 {
        case 3:
            k1 ^= UInt32(data[tail + 2]) << 16
            fallthrough
        case 2:
            k1 ^= UInt32(data[tail + 1]) << 8
            fallthrough
        case 1:
            k1 ^= UInt32(data[tail])
            k1 &*= c1
            k1 = rotateLeft(k1, by: 15)
            k1 &*= c2
            h1 ^= k1
        default:
            break
        }

        // The reference implementation mixes in the length as a 32-bit int.
        h1 ^= UInt32(truncatingIfNeeded: data.count)
        return finalMix(h1)
    }

    /// MurmurHash3_x86_32 of the UTF-8 bytes of `text`.
    static func x86_32(_ text: String, seed: UInt32 = 0) -> UInt32 {
        x86_32(Array(text.utf8), seed: seed)
    }

    private static func rotateLeft(_ value: UInt32, by count: UInt32) -> UInt32 {
        (value << count) | (value >> (32 - count))
    }

    private static func finalMix(_ value: UInt32) -> UInt32 {
        var h = value
        h ^= h >> 16
        h &*= 0x85eb_ca6b
        h ^= h >> 13
        h &*= 0xc2b2_ae35
        h ^= h >> 16
        return h
    }
}
