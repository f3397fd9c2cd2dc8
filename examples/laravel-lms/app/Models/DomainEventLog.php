<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class DomainEventLog extends Model
{
    protected $table = 'domain_event_log';
    protected $guarded = [];
    public $timestamps = false;
    protected $dateFormat = 'Y-m-d H:i:s.v';
    protected $casts = ['payload' => 'array', 'occurred_at' => 'datetime'];
}
