<?php

namespace ShadowGate\Laravel\Worker;

/**
 * Keeps everything the app prints (echo, print, var_dump, print_r, printf, PHP's displayed errors) off the
 * reply stream: an output buffer whose every chunk is written to stderr at once.
 *
 * Replies go straight to the stdout stream with fwrite(), which output buffering does not see. What this
 * cannot catch is code that itself writes to STDOUT or php://stdout with fwrite(); the artisan command
 * routes Symfony's VarDumper (dump(), dd()) to stderr for that reason.
 */
final class OutputCapture
{
    /** @var resource */
    private $sink;
    private ?int $level = null;
    private int $bytes = 0;

    /** @param resource $sink where captured output goes (stderr) */
    public function __construct($sink)
    {
        $this->sink = $sink;
    }

    public function start(): void
    {
        if ($this->level !== null) {
            return;
        }
        ob_start(function (string $buffer): string {
            if ($buffer !== '') {
                $this->bytes += strlen($buffer);
                @fwrite($this->sink, $buffer);
                @fflush($this->sink);
            }
            return '';
        }, 1);
        $this->level = ob_get_level();
    }

    /**
     * Closes any buffer the app opened above ours and left open, so its content reaches stderr now
     * instead of waiting (or being lost).
     */
    public function drain(): void
    {
        if ($this->level === null) {
            return;
        }
        while (ob_get_level() > $this->level) {
            if (!@ob_end_flush()) {
                break;
            }
        }
        if (ob_get_level() === $this->level) {
            @ob_flush();
        }
    }

    public function stop(): void
    {
        if ($this->level === null) {
            return;
        }
        $this->drain();
        if (ob_get_level() === $this->level) {
            ob_end_flush();
        }
        $this->level = null;
    }

    /** How many bytes of app output went to stderr so far. */
    public function capturedBytes(): int
    {
        return $this->bytes;
    }
}
