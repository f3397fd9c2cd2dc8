<?php

namespace ShadowGate\Laravel\Flags;

/**
 * MurmurHash3 x86 32-bit (Austin Appleby's public-domain hash), exactly as ShadowGate's Swift
 * implementation and Python's mmh3.hash(data, seed, signed=False): blocks read little-endian, the length
 * mixed in as a 32-bit int. Pure PHP on 64-bit ints; every product is split so it never leaves the int range.
 */
final class Murmur3
{
    private const C1 = 0xcc9e2d51;
    private const C2 = 0x1b873593;
    private const MASK = 0xffffffff;

    /** The unsigned 32-bit hash (0 ... 4294967295) of the bytes of $data (a PHP string is its bytes: pass UTF-8). */
    public static function x86_32(string $data, int $seed = 0): int
    {
        $h1 = $seed & self::MASK;
        $length = strlen($data);
        $blocks = intdiv($length, 4);

        for ($i = 0; $i < $blocks; $i++) {
            $k1 = unpack('V', $data, $i * 4)[1];
            $k1 = self::mul($k1, self::C1);
            $k1 = self::rotl($k1, 15);
            $k1 = self::mul($k1, self::C2);
            $h1 ^= $k1;
            $h1 = self::rotl($h1, 13);
            $h1 = (self::mul($h1, 5) + 0xe6546b64) & self::MASK;
        }

        $tail = $blocks * 4;
        $k1 = 0;
        switch ($length & 3) {
            case 3:
                $k1 ^= ord($data[$tail + 2]) << 16;
                // no break
            case 2:
                $k1 ^= ord($data[$tail + 1]) << 8;
                // no break
            case 1:
                $k1 ^= ord($data[$tail]);
                $k1 = self::mul($k1, self::C1);
                $k1 = self::rotl($k1, 15);
                $k1 = self::mul($k1, self::C2);
                $h1 ^= $k1;
        }

        $h1 ^= $length & self::MASK;
        $h1 ^= $h1 >> 16;
        $h1 = self::mul($h1, 0x85ebca6b);
        $h1 ^= $h1 >> 13;
        $h1 = self::mul($h1, 0xc2b2ae35);
        $h1 ^= $h1 >> 16;
        return $h1;
    }

    /** (a * b) mod 2^32 for a, b in 0 ... 2^32-1, without overflowing PHP's 64-bit int. */
    private static function mul(int $a, int $b): int
    {
        return (($a * ($b & 0xffff)) + ((($a * ($b >> 16)) & 0xffff) << 16)) & self::MASK;
    }

    private static function rotl(int $x, int $r): int
    {
        return (($x << $r) | ($x >> (32 - $r))) & self::MASK;
    }
}
