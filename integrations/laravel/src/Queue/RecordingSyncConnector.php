<?php

namespace ShadowGate\Laravel\Queue;

use Illuminate\Queue\Connectors\ConnectorInterface;

/** Connector of the 'shadowgate-sync' queue driver (see RecordingSyncQueue). */
class RecordingSyncConnector implements ConnectorInterface
{
    public const DRIVER = 'shadowgate-sync';

    public function __construct(private FailedJobRecorder $recorder)
    {
    }

    public function connect(array $config)
    {
        return new RecordingSyncQueue($this->recorder);
    }
}
