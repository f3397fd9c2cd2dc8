<?php

namespace App\Http;

use Illuminate\Foundation\Http\Kernel as HttpKernel;

/** The app is driven through artisan (the shadow worker); it serves no routes. */
class Kernel extends HttpKernel
{
    protected $middleware = [];
    protected $middlewareGroups = ['api' => []];
    protected $routeMiddleware = [];
}
