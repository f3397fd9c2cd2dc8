<?php

namespace ShadowGate\Laravel\Console;

use Illuminate\Console\Command;
use Illuminate\Support\Facades\Http;
use Illuminate\Support\Facades\Mail;
use Illuminate\Support\Facades\Notification;
use Monolog\Handler\StreamHandler;
use ShadowGate\Laravel\Contracts\WorkerSubject;
use ShadowGate\Laravel\Worker\Worker;

/**
 * `php artisan shadowgate:worker {mode}`: serves ShadowGate's worker protocol on stdin/stdout for the
 * subject registered under `mode` in config('shadowgate.subjects').
 */
class WorkerCommand extends Command
{
    protected $signature = 'shadowgate:worker {mode : A key of config(\'shadowgate.subjects\'), e.g. legacy or modern}';

    protected $description = 'Serve ShadowGate\'s JSON Lines worker protocol for one implementation of this app';

    public function handle(): int
    {
        $stderr = fopen('php://stderr', 'wb');
        $mode = (string) $this->argument('mode');
        $subjects = (array) $this->laravel['config']->get('shadowgate.subjects', []);
        if (!isset($subjects[$mode])) {
            fwrite($stderr, sprintf("shadowgate:worker: no subject \"%s\" in config('shadowgate.subjects') (known: %s)\n",
                $mode, $subjects === [] ? 'none' : implode(', ', array_keys($subjects))));
            return Worker::EXIT_FAILURE;
        }
        $subject = $this->laravel->make($subjects[$mode]);
        if (!$subject instanceof WorkerSubject) {
            fwrite($stderr, sprintf("shadowgate:worker: %s does not implement %s\n", get_class($subject), WorkerSubject::class));
            return Worker::EXIT_FAILURE;
        }

        $this->protectStdout();
        $fakes = function (): void {
            $this->installFakes();
        };
        $fakes();

        $worker = new Worker($subject, null, $fakes);
        return $worker->run(fopen('php://stdin', 'rb'), fopen('php://stdout', 'wb'), $stderr);
    }

    /**
     * Everything that could print to stdout is pointed at stderr: PHP's displayed errors, Laravel's log,
     * Symfony's VarDumper (dump()/dd() write to php://stdout on the CLI). echo and friends are caught by
     * the worker's output buffer.
     */
    private function protectStdout(): void
    {
        ini_set('display_errors', 'stderr');

        $config = $this->laravel['config'];
        $config->set('logging.channels.shadowgate-stderr', [
            'driver' => 'monolog',
            'handler' => StreamHandler::class,
            'with' => ['stream' => 'php://stderr'],
            'level' => $config->get('shadowgate.log_level', 'debug'),
        ]);
        $config->set('logging.default', 'shadowgate-stderr');
        if ($this->laravel->resolved('log') && method_exists($this->laravel['log'], 'forgetChannel')) {
            $this->laravel['log']->forgetChannel();
        }

        if (class_exists(\Symfony\Component\VarDumper\VarDumper::class)) {
            \Symfony\Component\VarDumper\VarDumper::setHandler(static function ($var): void {
                $cloner = new \Symfony\Component\VarDumper\Cloner\VarCloner();
                (new \Symfony\Component\VarDumper\Dumper\CliDumper('php://stderr'))->dump($cloner->cloneVar($var));
            });
        }
    }

    /** Mail, notifications and the HTTP client on the framework's fakes: no side effect leaves the worker. */
    private function installFakes(): void
    {
        Mail::fake();
        Notification::fake();
        Http::fake();
    }
}
