<?php

namespace App\Shadow;

use Illuminate\Contracts\Foundation\Application;
use Illuminate\Database\DatabaseManager;
use InvalidArgumentException;

/**
 * An empty, migrated database for every scenario, in one of two ways (config shadowgate.reset,
 * env SHADOWGATE_RESET):
 *
 * - "transaction" (default): the in-memory database is migrated once per process; each scenario runs inside
 *   a transaction that the next reset rolls back. Commands that use transactions of their own nest inside
 *   it as savepoints.
 * - "migrate": the in-memory connection is dropped and a new one migrated from scratch, every scenario.
 *
 * Both give the same empty world (the id sequences of SQLite roll back with the transaction); see the
 * README for what each costs per scenario.
 */
final class FreshDatabase
{
    public const TRANSACTION = 'transaction';
    public const MIGRATE = 'migrate';

    private bool $migrated = false;
    private string $method;

    public function __construct(private Application $app, private DatabaseManager $db, ?string $method = null)
    {
        $this->method = $method ?? (string) $app['config']->get('shadowgate.reset', self::TRANSACTION);
        if (!in_array($this->method, [self::TRANSACTION, self::MIGRATE], true)) {
            throw new InvalidArgumentException("unknown reset method \"{$this->method}\"; use transaction or migrate");
        }
    }

    public function method(): string
    {
        return $this->method;
    }

    public function reset(): void
    {
        if ($this->method === self::MIGRATE) {
            $this->db->purge();
            $this->migrate();
            return;
        }
        if (!$this->migrated) {
            $this->migrate();
            $this->migrated = true;
        }
        $connection = $this->db->connection();
        if ($connection->transactionLevel() > 0) {
            $connection->rollBack(0);
        }
        $connection->beginTransaction();
    }

    private function migrate(): void
    {
        $migrator = $this->app->make('migrator');
        $migrator->setConnection(null);
        if (!$migrator->repositoryExists()) {
            $migrator->getRepository()->createRepository();
        }
        $migrator->run([$this->app->databasePath('migrations')]);
    }
}
