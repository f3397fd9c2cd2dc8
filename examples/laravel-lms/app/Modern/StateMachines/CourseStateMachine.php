<?php

namespace App\Modern\StateMachines;

/** Course lifecycle: draft → published → archived, archived → draft (restore), published → draft (unpublish). */
final class CourseStateMachine extends StateMachine
{
    public const DRAFT = 'draft';
    public const PUBLISHED = 'published';
    public const ARCHIVED = 'archived';

    public function entity(): string
    {
        return 'course';
    }

    public function allowed(): array
    {
        return [
            self::DRAFT => [self::PUBLISHED, self::ARCHIVED],
            self::PUBLISHED => [self::DRAFT, self::ARCHIVED],
            self::ARCHIVED => [self::DRAFT],
        ];
    }
}
