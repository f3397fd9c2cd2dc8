<?php

namespace ShadowGate\Laravel\Worker;

use ShadowGate\Laravel\Contracts\SwitchesQuirks;
use ShadowGate\Laravel\Contracts\WorkerSubject;
use ShadowGate\Laravel\InvalidCommand;

/**
 * ShadowGate's JSON Lines worker protocol (version 1) around one WorkerSubject.
 *
 * Independent of the console: give it any three streams. The artisan command `shadowgate:worker` runs it
 * on php://stdin, php://stdout and php://stderr.
 *
 *   {"type":"hello","protocol":1,"side":"control"}  -> {"type":"hello","protocol":1,"name":…,"version":…,"ops":{…},…}
 *   {"type":"reset","scenario":"s-1","at":"…"}     -> {"type":"ready"}
 *   {"type":"apply","id":42,…,"now":"…","op":"…","fields":{…}}
 *        -> {"id":42,"outcome":{…},"durationNs":81234}
 *   … with "without":["legacy.x"] (a probe; only ids the hello's "quirks" listed, for a SwitchesQuirks subject)
 *        -> the same replies, from SwitchesQuirks::probe(), which leaves the world as it was
 *         | {"id":42,"fault":{"message":"…","class":"…"}}     any Throwable from the subject
 *         | {"id":42,"invalid":{"message":"…"}}               InvalidCommand, or an op the subject does not list
 *   {"type":"shutdown"}                             -> exit 0, no reply (so does end of input)
 *   anything else                                   -> {"type":"error","message":"…"}, and the loop goes on
 *   hello with a protocol other than 1              -> {"type":"error",…}, exit 2
 */
final class Worker
{
    public const PROTOCOL = 1;

    /** Exit status for a hello whose protocol this worker does not speak. */
    public const EXIT_PROTOCOL_MISMATCH = 2;

    /** Exit status when the subject cannot describe itself, or the reply stream is gone. */
    public const EXIT_FAILURE = 1;

    private const OPTIONAL_HELLO_KEYS = ['sideEffectsFeature', 'clockOp', 'transitionRefusalCode'];

    /** @var callable(\DateTimeImmutable): void */
    private $setClock;
    /** @var callable(): void */
    private $prepareWorld;
    private ?array $hello = null;
    private ?OutputCapture $capture = null;
    /** @var resource */
    private $err;

    /**
     * @param callable(\DateTimeImmutable): void|null $setClock     freezes the app's clock; default Carbon::setTestNow
     * @param callable(): void|null                   $prepareWorld run before every reset (the command installs the
     *                                                              Mail/Notification/Http fakes here)
     */
    public function __construct(
        private WorkerSubject $subject,
        ?callable $setClock = null,
        ?callable $prepareWorld = null,
    ) {
        $this->setClock = $setClock ?? [self::class, 'freezeCarbon'];
        $this->prepareWorld = $prepareWorld ?? static function (): void {
        };
    }

    /** Carbon::setTestNow (and CarbonImmutable's) at $now, when Carbon is loaded. */
    public static function freezeCarbon(\DateTimeImmutable $now): void
    {
        if (class_exists(\Carbon\Carbon::class)) {
            \Carbon\Carbon::setTestNow(\Carbon\Carbon::instance($now));
        }
        if (class_exists(\Carbon\CarbonImmutable::class)) {
            \Carbon\CarbonImmutable::setTestNow(\Carbon\CarbonImmutable::instance($now));
        }
    }

    /**
     * Serves requests until shutdown or end of input. Everything printed meanwhile goes to $err.
     *
     * @param resource $in  requests
     * @param resource $out replies, nothing else
     * @param resource $err logs and captured output
     * @return int exit status: 0, EXIT_PROTOCOL_MISMATCH or EXIT_FAILURE
     */
    public function run($in, $out, $err): int
    {
        $this->err = $err;
        $codec = new LineCodec($in, $out);
        $this->capture = new OutputCapture($err);
        $this->capture->start();
        try {
            while (true) {
                try {
                    $line = $codec->readLine();
                } catch (ProtocolError $e) {
                    if (!$this->send($codec, ['type' => 'error', 'message' => $e->getMessage()])) {
                        return self::EXIT_FAILURE;
                    }
                    continue;
                }
                if ($line === null) {
                    $this->log('end of input, exiting');
                    return 0;
                }
                if (trim($line) === '') {
                    continue;
                }
                [$reply, $exit] = $this->handle($line);
                if ($reply !== null && !$this->send($codec, $reply)) {
                    $this->log('the reply stream is closed, exiting');
                    return self::EXIT_FAILURE;
                }
                if ($exit !== null) {
                    return $exit;
                }
            }
        } finally {
            $this->capture->stop();
            $this->capture = null;
        }
    }

    /**
     * One request line -> [reply or null, exit status or null to go on].
     *
     * @return array{0: array|null, 1: int|null}
     */
    private function handle(string $line): array
    {
        try {
            $request = LineCodec::decode($line);
            $type = $request->type ?? null;
            switch ($type) {
                case 'hello':
                    return $this->hello($request);
                case 'reset':
                    return [$this->reset($request), null];
                case 'apply':
                    return [$this->apply($request), null];
                case 'shutdown':
                    $this->log('shutdown');
                    return [null, 0];
                default:
                    throw new ProtocolError(is_string($type)
                        ? sprintf('unknown request type "%s"', $type)
                        : 'request without a "type"');
            }
        } catch (ProtocolError $e) {
            return [['type' => 'error', 'message' => $e->getMessage()], null];
        }
    }

    /** @return array{0: array, 1: int|null} */
    private function hello(\stdClass $request): array
    {
        $protocol = $request->protocol ?? null;
        if ($protocol !== self::PROTOCOL) {
            $said = $protocol === null ? 'no protocol' : 'unsupported protocol ' . json_encode($protocol);
            $message = sprintf('%s; this worker speaks %d', $said, self::PROTOCOL);
            $this->log($message);
            return [['type' => 'error', 'message' => $message], self::EXIT_PROTOCOL_MISMATCH];
        }
        try {
            $hello = $this->describe();
        } catch (\Throwable $e) {
            $message = sprintf('describe() failed: %s: %s', get_class($e), $e->getMessage());
            $this->log($message);
            return [['type' => 'error', 'message' => $message], self::EXIT_FAILURE];
        }
        $side = is_string($request->side ?? null) ? $request->side : '?';
        $this->log(sprintf('hello from the %s side: %s %s, %d ops', $side, $hello['name'], $hello['version'], count((array) $hello['ops'])));
        return [$hello, null];
    }

    /** The hello reply, from the subject's describe(), checked once. */
    private function describe(): array
    {
        if ($this->hello !== null) {
            return $this->hello;
        }
        $d = $this->guarded(fn () => $this->subject->describe());
        if (!is_string($d['name'] ?? null) || $d['name'] === '') {
            throw new \UnexpectedValueException('describe() must give a non-empty "name"');
        }
        $version = $d['version'] ?? null;
        if (!is_string($version) && !is_int($version) && !is_float($version)) {
            throw new \UnexpectedValueException('describe() must give a "version"');
        }
        $ops = $d['ops'] ?? null;
        if (!is_array($ops) || ($ops !== [] && array_is_list($ops))) {
            throw new \UnexpectedValueException('describe() must give "ops" as [op => feature|null]');
        }
        foreach ($ops as $op => $feature) {
            if (!is_string($op) || ($feature !== null && !is_string($feature))) {
                throw new \UnexpectedValueException(sprintf('describe(): op %s must map to a feature name or null', json_encode($op)));
            }
        }
        $hello = ['type' => 'hello', 'protocol' => self::PROTOCOL, 'name' => $d['name'],
            'version' => (string) $version, 'ops' => (object) $ops];
        foreach (self::OPTIONAL_HELLO_KEYS as $key) {
            if (isset($d[$key])) {
                if (!is_string($d[$key])) {
                    throw new \UnexpectedValueException("describe(): \"$key\" must be a string");
                }
                $hello[$key] = $d[$key];
            }
        }
        $quirks = $d['quirks'] ?? [];
        if (!is_array($quirks) || !array_is_list($quirks)
            || array_filter($quirks, static fn ($q) => !is_string($q) || $q === '') !== []) {
            throw new \UnexpectedValueException('describe(): "quirks" must be a list of quirk ids (non-empty strings)');
        }
        if ($quirks !== []) {
            if (!$this->subject instanceof SwitchesQuirks) {
                throw new \UnexpectedValueException(sprintf('describe() lists "quirks" but %s does not implement %s',
                    get_class($this->subject), SwitchesQuirks::class));
            }
            $hello['quirks'] = array_values($quirks);
        }
        return $this->hello = $hello;
    }

    private function reset(\stdClass $request): array
    {
        $scenario = $request->scenario ?? null;
        if (!is_string($scenario) && !is_int($scenario)) {
            throw new ProtocolError('reset without a "scenario"');
        }
        $at = self::parseTime($request->at ?? null);
        if ($at === null) {
            throw new ProtocolError('reset without a valid "at" (ISO 8601, e.g. 2026-11-24T10:00:00Z)');
        }
        try {
            $this->guarded(function () use ($scenario, $at): void {
                ($this->prepareWorld)();
                ($this->setClock)($at);
                $this->subject->reset((string) $scenario, $at);
            });
        } catch (\Throwable $e) {
            $this->logThrowable("reset of scenario $scenario failed", $e);
            throw new ProtocolError(sprintf('reset of scenario %s failed: %s: %s', $scenario, get_class($e), $e->getMessage()));
        }
        return ['type' => 'ready'];
    }

    private function apply(\stdClass $request): array
    {
        if (!property_exists($request, 'id') || !(is_int($request->id) || is_string($request->id))) {
            throw new ProtocolError('apply without an "id"');
        }
        $id = $request->id;
        $op = $request->op ?? null;
        if (!is_string($op) || $op === '') {
            return ['id' => $id, 'invalid' => ['message' => 'apply without an "op"']];
        }
        $ops = $this->describeOrNull();
        if ($ops !== null && !property_exists($ops, $op)) {
            return ['id' => $id, 'invalid' => ['message' => sprintf('op "%s" is not implemented by this worker (%s)', $op, $this->hello['name'])]];
        }
        $fields = $request->fields ?? new \stdClass();
        if (!$fields instanceof \stdClass) {
            return ['id' => $id, 'invalid' => ['message' => sprintf('"fields" of %s must be a JSON object', $op)]];
        }
        $now = self::parseTime($request->now ?? null) ?? self::parseTime($request->at ?? null);
        if ($now === null) {
            return ['id' => $id, 'invalid' => ['message' => sprintf('%s without a valid "now" (ISO 8601)', $op)]];
        }
        $fields = LineCodec::toArray($fields);
        $without = null;
        if (property_exists($request, 'without')) {
            $without = $this->probeQuirks($request->without);
            if (is_string($without)) {
                return ['id' => $id, 'invalid' => ['message' => $without]];
            }
        }

        try {
            ($this->setClock)($now);
            $start = hrtime(true);
            $outcome = $without === null
                ? $this->guarded(fn () => $this->subject->apply($op, $fields, $now))
                : $this->guarded(fn () => $this->subject->probe($op, $fields, $now, $without));
            $durationNs = hrtime(true) - $start;
        } catch (InvalidCommand $e) {
            return ['id' => $id, 'invalid' => ['message' => $e->getMessage()]];
        } catch (\Throwable $e) {
            $this->logThrowable("command $id ($op) faulted", $e);
            return ['id' => $id, 'fault' => ['message' => $e->getMessage(), 'class' => get_class($e)]];
        }

        try {
            if (!is_array($outcome)) {
                throw new \UnexpectedValueException('apply() must return the outcome array');
            }
            return ['id' => $id, 'outcome' => Outcome::normalize($outcome), 'durationNs' => $durationNs];
        } catch (\Throwable $e) {
            $this->log(sprintf('command %s (%s): bad outcome: %s', $id, $op, $e->getMessage()));
            return ['id' => $id, 'fault' => ['message' => $e->getMessage(), 'class' => get_class($e)]];
        }
    }

    /**
     * The quirks a probe's "without" switches off, or why it is invalid: a list of ids the hello listed.
     *
     * @return list<string>|string
     */
    private function probeQuirks(mixed $without): array|string
    {
        $listed = $this->hello['quirks'] ?? [];
        if (!is_array($without) || !array_is_list($without)) {
            return '"without" must be a list of quirk ids';
        }
        foreach ($without as $quirk) {
            if (!is_string($quirk) || !in_array($quirk, $listed, true)) {
                return sprintf('"without" names %s, which this worker did not list in its hello\'s quirks (%s)',
                    json_encode($quirk), $listed === [] ? 'none' : implode(', ', $listed));
            }
        }
        return array_values(array_unique($without));
    }

    /** The ops map once describe() has worked; null while it has not (the op check is then skipped). */
    private function describeOrNull(): ?\stdClass
    {
        try {
            return $this->describe()['ops'];
        } catch (\Throwable) {
            return null;
        }
    }

    /** Runs app code; whatever it leaves in output buffers of its own is sent to stderr right after. */
    private function guarded(callable $call): mixed
    {
        try {
            return $call();
        } finally {
            $this->capture?->drain();
        }
    }

    /**
     * Encodes and writes one reply. A reply that JSON cannot hold (NAN, INF) or that is over the line limit
     * becomes a fault of that command (or an error, for a reply without an id).
     */
    private function send(LineCodec $codec, array $reply): bool
    {
        try {
            $line = LineCodec::encode($reply);
            if (strlen($line) - 1 > LineCodec::MAX_LINE_BYTES) {
                throw new \LengthException(sprintf('the reply is %d bytes, over the %d-byte line limit', strlen($line) - 1, LineCodec::MAX_LINE_BYTES));
            }
        } catch (\JsonException | \LengthException $e) {
            $message = $e instanceof \JsonException ? 'the reply is not encodable as JSON: ' . $e->getMessage() : $e->getMessage();
            $this->log(sprintf('command %s: %s', json_encode($reply['id'] ?? null), $message));
            $line = LineCodec::encode(array_key_exists('id', $reply)
                ? ['id' => $reply['id'], 'fault' => ['message' => $message, 'class' => get_class($e)]]
                : ['type' => 'error', 'message' => $message]);
        }
        return $codec->writeLine($line);
    }

    /** An ISO 8601 date-time with a zone (2026-11-24T10:05:00.000Z), in UTC; null otherwise. */
    public static function parseTime(mixed $text): ?\DateTimeImmutable
    {
        if (!is_string($text)
            || !preg_match('/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/', $text)) {
            return null;
        }
        try {
            return (new \DateTimeImmutable($text))->setTimezone(new \DateTimeZone('UTC'));
        } catch (\Exception) {
            return null;
        }
    }

    private function log(string $message): void
    {
        @fwrite($this->err, '[shadowgate:worker] ' . $message . "\n");
    }

    private function logThrowable(string $what, \Throwable $e): void
    {
        $this->log(sprintf('%s: %s: %s at %s:%d', $what, get_class($e), $e->getMessage(), $e->getFile(), $e->getLine()));
    }
}
