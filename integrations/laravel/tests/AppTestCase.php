<?php

namespace ShadowGate\Laravel\Tests;

use Carbon\Carbon;
use Illuminate\Contracts\Console\Kernel;
use Illuminate\Foundation\Application;
use Illuminate\Support\Facades\Facade;
use PHPUnit\Framework\TestCase;
use ShadowGate\Laravel\Tests\Fixtures\AppFixture;

/** Boots the fixture application (tests/Fixtures/app) in-process, with a fresh in-memory database. */
abstract class AppTestCase extends TestCase
{
    protected Application $app;

    protected function setUp(): void
    {
        $this->app = require __DIR__ . '/Fixtures/app/bootstrap/app.php';
        $this->app->make(Kernel::class)->bootstrap();
        $this->app['config']->set('logging.default', 'null');
        AppFixture::freshDatabase();
    }

    protected function tearDown(): void
    {
        $this->app->flush();
        Facade::clearResolvedInstances();
        Facade::setFacadeApplication(null);
        Carbon::setTestNow();
        restore_error_handler();
        restore_exception_handler();
    }
}
