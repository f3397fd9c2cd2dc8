<?php

namespace ShadowGate\Laravel\Tests;

use PHPUnit\Framework\TestCase;
use ShadowGate\Laravel\Flags\Bucketing;
use ShadowGate\Laravel\Flags\Murmur3;

class Murmur3Test extends TestCase
{
    /**
     * The vectors of ShadowGate's Swift tests (Tests/ShadowKitTests/FeatureFlagsTests.swift), computed there with
     * Python's mmh3 (an independent C implementation): every tail length, seeds, non-ASCII input.
     */
    public static function vectors(): array
    {
        return [
            ['', 0, 0],
            ['', 1, 0x514e28b7],
            ['', 0x9747b28c, 0xebb6c228],
            ['a', 0, 0x3c2569b2],
            ['ab', 0, 0x9bbfd75f],
            ['abc', 0, 0xb3dd93fa],
            ['abcd', 0, 0x43ed676a],
            ['hello', 0, 0x248bfa47],
            ['hello', 1, 0xbb4abcad],
            ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
            ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
            ['enrollment_service:42', 0, 0x1eb2041a],
            ['enrollment_service:42', 42, 0x525213fc],
            [str_repeat('a', 33), 0, 0xc31af705],
            ['héllo wörld €', 0, 0x1b76f25c],
            ['0123456789abcdef', 42, 0x98e98b73],
            // Published MurmurHash3_x86_32 vectors (SMHasher verification set as quoted on Wikipedia / mmh3 docs).
            ['Hello, world!', 0x9747b28c, 0x24884cba],
            ["\xff\xff\xff\xff", 0, 0x76293b50],
            ["\x21\x43\x65\x87", 0, 0xf55b516b],
            ["\x21\x43\x65\x87", 0x5082edee, 0x2362f9de],
            ["\x00\x00\x00\x00", 0, 0x2362f9de],
        ];
    }

    /** @dataProvider vectors */
    public function testMatchesReferenceVectors(string $input, int $seed, int $expected): void
    {
        $this->assertSame($expected, Murmur3::x86_32($input, $seed), sprintf('murmur3(%s, 0x%x)', bin2hex($input), $seed));
    }

    public function testResultIsAlwaysAnUnsigned32BitInt(): void
    {
        for ($i = 0; $i < 2000; $i++) {
            $h = Murmur3::x86_32("feature:$i", $i * 2654435761 & 0xffffffff);
            $this->assertIsInt($h);
            $this->assertGreaterThanOrEqual(0, $h);
            $this->assertLessThanOrEqual(0xffffffff, $h);
        }
    }

    public function testBucketsMatchTheUnleashFormulaAsShadowGateComputesIt(): void
    {
        // The same values as the Swift test murmur3BucketsMatchUnleashFormula.
        $this->assertSame(39, Bucketing::Murmur3->bucket('enrollment_service', 42));
        $this->assertSame(53, Bucketing::Murmur3->bucket('progress_service', 1));
        $this->assertSame(69, Bucketing::Murmur3->bucket('grading_service', 100000));
        $this->assertSame(34, Bucketing::Modulo->bucket('anything', 1234));
        $this->assertSame(-5, Bucketing::Modulo->bucket('anything', -105), "PHP's %, as Swift's, keeps the sign");
    }
}
