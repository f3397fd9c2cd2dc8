<?php

namespace Tests\Unit;

use App\Modern\Grading\AverageAttemptStrategy;
use App\Modern\Grading\FirstAttemptStrategy;
use App\Modern\Grading\FixedPointScore;
use App\Modern\Grading\GradingStrategies;
use App\Modern\Grading\HighestAttemptStrategy;
use App\Modern\Grading\LatestAttemptStrategy;
use InvalidArgumentException;
use PHPUnit\Framework\TestCase;

/** The four strategies on scores in hundredths, in the order the attempts were started; exact scoring. */
class GradingStrategyTest extends TestCase
{
    private const VARIED = [7000, 9000, 8000];

    public function testHighest(): void
    {
        $s = new HighestAttemptStrategy();
        $this->assertSame(9000, $s->grade(self::VARIED));
        $this->assertSame(8000, $s->grade([8000, 8000, 6000]));
        $this->assertSame(0, $s->grade([0, 0]));
        $this->assertNull($s->grade([]));
    }

    public function testLatest(): void
    {
        $s = new LatestAttemptStrategy();
        $this->assertSame(8000, $s->grade(self::VARIED));
        $this->assertSame(5000, $s->grade([9000, 5000, 5000]));
        $this->assertNull($s->grade([]));
    }

    public function testFirst(): void
    {
        $s = new FirstAttemptStrategy();
        $this->assertSame(7000, $s->grade(self::VARIED));
        $this->assertSame(5000, $s->grade([5000, 5000, 9000]));
        $this->assertNull($s->grade([]));
    }

    public function testAverageRoundsHalfUp(): void
    {
        $s = new AverageAttemptStrategy();
        $this->assertSame(8000, $s->grade(self::VARIED));
        $this->assertSame(8001, $s->grade([8000, 8001]));   // 8000.5 → 8001
        $this->assertSame(2, $s->grade([1, 2]));
        $this->assertSame(1, $s->grade([1, 1, 2]));
        $this->assertSame(2, $s->grade([2, 2, 1]));
        $this->assertNull($s->grade([]));
    }

    public function testStrategyByKind(): void
    {
        $strategies = new GradingStrategies();
        $expected = ['highest' => 9000, 'latest' => 8000, 'average' => 8000, 'first' => 7000];
        foreach ($expected as $kind => $grade) {
            $this->assertSame($grade, $strategies->for($kind)->grade(self::VARIED), $kind);
        }
        $this->expectException(InvalidArgumentException::class);
        $strategies->for('median');
    }

    public function testFixedPointScoring(): void
    {
        $this->assertSame(8000, FixedPointScore::hundredths([1, 1, 1], [1, 1, 0.4]));        // 2.4 of 3 is 80.00%
        $this->assertSame(1438, FixedPointScore::hundredths([3, 3, 1, 1], [0, 0.25, 0.4]));  // 14.375 → 14.38
        $this->assertSame(3333, FixedPointScore::hundredths([1, 1, 1], [1]));                // missing answers earn 0
        $this->assertSame(10000, FixedPointScore::hundredths([1], [7]));                     // credit capped at 1
        $this->assertSame(0, FixedPointScore::hundredths([1], [-1]));
        $this->assertNull(FixedPointScore::hundredths([], []));
        $this->assertNull(FixedPointScore::hundredths([0, 0], [1, 1]));
        $this->assertSame(8000, FixedPointScore::percentToHundredths(80));
        $this->assertEquals(33.33, FixedPointScore::percent(3333));
    }

    public function testExactHalfAwayFromZeroIsNotPhpRound(): void
    {
        // 0.5005 * 1000 is 500.49999999999994: exact rounding gives 500; PHP's round() pre-rounds it to 501.
        $this->assertSame(500, FixedPointScore::roundHalfAwayFromZero(0.5005 * 1000));
        $this->assertSame(501.0, round(0.5005 * 1000));
        $this->assertSame(3, FixedPointScore::roundHalfAwayFromZero(2.5));
        $this->assertSame(-3, FixedPointScore::roundHalfAwayFromZero(-2.5));
        $this->assertSame(2, FixedPointScore::roundHalfAwayFromZero(2.4999999999999996));
    }
}
