<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

/**
 * The LMS schema both implementations share. Statuses are plain strings: legacy compares them inline,
 * modern moves them only through its state machines. Ids of courses, lessons, quizzes and attempts come
 * from the scenario; enrollments and completions take the database's own ids.
 */
return new class extends Migration
{
    public function up()
    {
        Schema::create('users', function (Blueprint $table) {
            $table->unsignedBigInteger('id')->primary();
            $table->string('name')->nullable();
            $table->timestamps();
        });

        Schema::create('courses', function (Blueprint $table) {
            $table->unsignedBigInteger('id')->primary();
            $table->string('title');
            $table->unsignedBigInteger('instructor_id')->nullable();
            $table->integer('capacity')->nullable();
            $table->string('certificate_template')->nullable();
            $table->string('status')->default('draft');
            $table->timestamps();
        });

        Schema::create('lessons', function (Blueprint $table) {
            $table->unsignedBigInteger('id')->primary();
            $table->unsignedBigInteger('course_id')->index();
            $table->string('title');
            $table->unsignedInteger('position');
            $table->timestamps();
        });

        Schema::create('quizzes', function (Blueprint $table) {
            $table->unsignedBigInteger('id')->primary();
            $table->unsignedBigInteger('course_id')->index();
            $table->unsignedInteger('position');
            $table->integer('max_attempts');
            $table->bigInteger('time_limit_minutes')->nullable();
            $table->double('passing_score');
            // Added by the refactor; legacy never writes it (its schema had no strategy column).
            $table->string('grading_strategy')->nullable();
            $table->json('weights');
            $table->timestamps();
        });

        Schema::create('enrollments', function (Blueprint $table) {
            $table->id();
            $table->unsignedBigInteger('user_id');
            $table->unsignedBigInteger('course_id');
            $table->string('status');
            $table->integer('progress_percent')->default(0);
            $table->timestamps();
            $table->index(['user_id', 'course_id']);
            $table->index(['course_id', 'status']);
        });

        Schema::create('lesson_completions', function (Blueprint $table) {
            $table->id();
            $table->unsignedBigInteger('enrollment_id')->index();
            $table->unsignedBigInteger('user_id');
            $table->unsignedBigInteger('course_id');
            $table->unsignedBigInteger('lesson_id');
            $table->timestamp('completed_at', 3)->nullable();
            $table->index(['user_id', 'course_id']);
        });

        Schema::create('attempts', function (Blueprint $table) {
            $table->unsignedBigInteger('id')->primary();
            $table->unsignedBigInteger('user_id');
            $table->unsignedBigInteger('quiz_id');
            $table->unsignedInteger('number');
            $table->string('status');
            $table->json('answers');
            // Legacy stores the float percentage, modern exact hundredths of a percent.
            $table->double('score')->nullable();
            $table->bigInteger('score_hundredths')->nullable();
            $table->boolean('passed')->nullable();
            $table->timestamp('started_at', 3);
            $table->timestamp('submitted_at', 3)->nullable();
            $table->timestamps();
            $table->index(['user_id', 'quiz_id']);
        });

        Schema::create('domain_event_log', function (Blueprint $table) {
            $table->id();
            $table->string('name');
            $table->json('payload');
            $table->timestamp('occurred_at', 3);
        });

        Schema::create('state_transitions', function (Blueprint $table) {
            $table->id();
            $table->string('entity');
            $table->string('entity_id');
            $table->string('from');
            $table->string('to');
            $table->timestamp('occurred_at', 3);
        });

        Schema::create('failed_jobs', function (Blueprint $table) {
            $table->id();
            $table->string('uuid')->unique();
            $table->text('connection');
            $table->text('queue');
            $table->longText('payload');
            $table->longText('exception');
            $table->timestamp('failed_at')->useCurrent();
        });
    }

    public function down()
    {
        foreach (['failed_jobs', 'state_transitions', 'domain_event_log', 'attempts', 'lesson_completions',
                     'enrollments', 'quizzes', 'lessons', 'courses', 'users'] as $table) {
            Schema::dropIfExists($table);
        }
    }
};
