<?php

namespace App\Lms;

/**
 * What one command did on one side, before its side effects are added: accepted or rejected with a stable
 * error code, the value returned, and a snapshot of the entities it touched. The transitions, events and
 * jobs come from the Recorder. toArray() gives the shape of the built-in subject's outcome tree.
 */
final class Outcome
{
    private function __construct(
        public readonly string $status,
        public readonly ?string $errorCode = null,
        public readonly ?string $message = null,
        public readonly ?array $value = null,
        public readonly array $snapshot = [],
    ) {
    }

    public static function accepted(?array $value = null, array $snapshot = []): self
    {
        return new self('accepted', null, null, $value, $snapshot);
    }

    public static function rejected(string $errorCode, ?string $message = null): self
    {
        return new self('rejected', $errorCode, $message);
    }

    public function isAccepted(): bool
    {
        return $this->status === 'accepted';
    }

    /** The outcome tree with the side effects the recorder holds for this command. */
    public function toArray(Recorder $recorder): array
    {
        $tree = ['status' => $this->status];
        if ($this->errorCode !== null) {
            $tree['errorCode'] = $this->errorCode;
        }
        if ($this->value !== null) {
            $tree['value'] = (object) array_filter($this->value, static fn ($v) => $v !== null);
        }
        $tree['transitions'] = $recorder->transitions();
        $tree['snapshot'] = $this->snapshot;
        $tree['events'] = array_map(
            static fn (array $e) => ['name' => $e['name'], 'payload' => (object) $e['payload']],
            $recorder->events()
        );
        $tree['jobs'] = $recorder->jobs();
        if ($this->message !== null) {
            $tree['message'] = $this->message;
        }
        return $tree;
    }
}
