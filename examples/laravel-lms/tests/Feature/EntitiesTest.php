<?php

namespace Tests\Feature;

use Tests\Commands as C;
use Tests\TestCase;

/**
 * The `entities` each outcome carries for ShadowGate's knock-on chains: the keys of the built-in LMS
 * (Sources/LMS/Entities.swift, whose test LMSEntitiesTests checks the same list), a lesson's, quiz's and
 * attempt's course read from the database, only the named keys when the row is not there.
 */
class EntitiesTest extends TestCase
{
    /** The same commands and keys as Tests/LMSShadowTests/LMSEntitiesTests.swift. */
    public static function expected(): array
    {
        return [
            [C::create(), ['course:1']],
            [C::lesson(100), ['course:1', 'lesson:100']],
            [C::quiz(5), ['course:1', 'quiz:5']],
            [C::course('publish'), ['course:1']],
            [C::enrollment('enroll'), ['course:1', 'enrollment:10:1']],
            [C::start(1), ['course:1', 'enrollment:10:1', 'quiz:5', 'attempt:1']],
            [C::start(2, 77), ['quiz:77', 'attempt:2']],
            [C::submit(1, [1, 1, 1]), ['course:1', 'enrollment:10:1', 'quiz:5', 'attempt:1']],
            [C::attempt('grade', 1), ['course:1', 'enrollment:10:1', 'quiz:5', 'attempt:1']],
            [C::attempt('abandon', 42), ['attempt:42']],
            [C::complete(100), ['course:1', 'enrollment:10:1', 'lesson:100']],
            [C::complete(999), ['lesson:999']],
            [C::finalGrade(), ['course:1', 'enrollment:10:1']],
            [C::advance(60), null],
        ];
    }

    public function testBothSubjectsReturnTheBuiltInKeys(): void
    {
        $cases = self::expected();
        $commands = array_map(fn ($case) => $case[0], $cases);
        foreach (['legacy' => $this->legacy(), 'modern' => $this->modern()] as $name => $subject) {
            $outcomes = $this->runCommands($subject, $commands);
            foreach ($cases as $i => [[$op], $keys]) {
                $this->assertSame($keys, $outcomes[$i]['entities'] ?? null, "$name: command $i ($op)");
            }
        }
    }
}
