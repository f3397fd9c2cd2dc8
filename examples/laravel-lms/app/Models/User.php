<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/** A learner or instructor; the LMS knows users by id only. */
class User extends Model
{
    protected $guarded = [];
    public $incrementing = false;
}
