<?php

namespace ShadowGate\Laravel\Worker;

/**
 * JSON Lines on a pair of streams: one UTF-8 JSON object per line, at most 1 MiB (1,048,576 bytes, not
 * counting the newline) a line, in both directions.
 */
final class LineCodec
{
    public const MAX_LINE_BYTES = 1048576;

    private const ENCODE_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION
        | JSON_INVALID_UTF8_SUBSTITUTE | JSON_THROW_ON_ERROR;

    /** @var resource */
    private $in;
    /** @var resource */
    private $out;

    /**
     * @param resource $in  requests
     * @param resource $out replies
     */
    public function __construct($in, $out)
    {
        $this->in = $in;
        $this->out = $out;
    }

    /**
     * The next request line without its line ending; null at end of input.
     *
     * @throws ProtocolError for a line longer than the limit (the rest of that line is skipped, so the
     *                       stream stays in step) or one that is not UTF-8
     */
    public function readLine(): ?string
    {
        $line = fgets($this->in, self::MAX_LINE_BYTES + 2);
        if ($line === false) {
            return null;
        }
        if (strlen($line) > self::MAX_LINE_BYTES && substr($line, -1) !== "\n") {
            // Over the limit: skip to the end of this line.
            do {
                $rest = fgets($this->in, 65536);
            } while ($rest !== false && substr($rest, -1) !== "\n");
            throw new ProtocolError(sprintf('request line longer than %d bytes', self::MAX_LINE_BYTES));
        }
        $line = rtrim($line, "\r\n");
        if (strlen($line) > self::MAX_LINE_BYTES) {
            throw new ProtocolError(sprintf('request line longer than %d bytes', self::MAX_LINE_BYTES));
        }
        if (!mb_check_encoding($line, 'UTF-8')) {
            throw new ProtocolError('request line is not valid UTF-8');
        }
        return $line;
    }

    /**
     * A request line as an array. JSON objects become associative arrays; the keys whose value must be an
     * object stay recognisable through {@see self::isObject()} before conversion, so decode() returns the
     * raw stdClass tree and the caller converts.
     *
     * @throws ProtocolError when the line is not a JSON object
     */
    public static function decode(string $line): \stdClass
    {
        try {
            $value = json_decode($line, false, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ProtocolError('request line is not JSON: ' . $e->getMessage());
        }
        if (!$value instanceof \stdClass) {
            throw new ProtocolError('request line is not a JSON object');
        }
        return $value;
    }

    /** A decoded JSON value with every object turned into an associative array. */
    public static function toArray(mixed $value): mixed
    {
        if ($value instanceof \stdClass) {
            $value = get_object_vars($value);
        }
        if (is_array($value)) {
            foreach ($value as $key => $item) {
                $value[$key] = self::toArray($item);
            }
        }
        return $value;
    }

    /**
     * One reply as a JSON line (with its newline). Invalid UTF-8 in strings becomes U+FFFD rather than
     * failing the reply.
     *
     * @throws \JsonException for values JSON cannot hold (INF, NAN, resources)
     */
    public static function encode(array|\stdClass $reply): string
    {
        return json_encode($reply, self::ENCODE_FLAGS) . "\n";
    }

    /**
     * Writes one encoded line and flushes it. Returns false when the reader has gone away.
     */
    public function writeLine(string $line): bool
    {
        $length = strlen($line);
        $written = 0;
        while ($written < $length) {
            $n = @fwrite($this->out, $written === 0 ? $line : substr($line, $written));
            if ($n === false || $n === 0) {
                return false;
            }
            $written += $n;
        }
        return fflush($this->out);
    }
}
