<?php

namespace ShadowGate\Laravel\Worker;

/**
 * Puts an outcome array into the shape of ShadowGate's outcome trees before it is sent:
 * `errorCode`, `value` and `message` are left out when null; `value`, snapshot entries, event payloads
 * and jobs lose their null keys; `value` and `payload` are JSON objects even when empty (a PHP [] would
 * otherwise be sent as a JSON list); `transitions`, `snapshot`, `events` and `jobs` are lists.
 * Other keys are passed through untouched.
 */
final class Outcome
{
    /**
     * @throws \UnexpectedValueException when the outcome has no valid status or a list that is not a list
     */
    public static function normalize(array $outcome): array
    {
        $status = $outcome['status'] ?? null;
        if ($status !== 'accepted' && $status !== 'rejected') {
            throw new \UnexpectedValueException(sprintf(
                'outcome status must be "accepted" or "rejected", got %s',
                json_encode($status, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR)
            ));
        }
        foreach (['errorCode', 'value', 'message'] as $key) {
            if (array_key_exists($key, $outcome) && $outcome[$key] === null) {
                unset($outcome[$key]);
            }
        }
        if (array_key_exists('value', $outcome)) {
            $outcome['value'] = self::object($outcome['value'], 'value');
        }
        foreach (['transitions', 'snapshot', 'events', 'jobs'] as $key) {
            $list = $outcome[$key] ?? [];
            if (!is_array($list) || !array_is_list($list)) {
                throw new \UnexpectedValueException("outcome $key must be a list");
            }
            $outcome[$key] = $list;
        }
        foreach ($outcome['snapshot'] as $i => $entry) {
            $outcome['snapshot'][$i] = self::object($entry, "snapshot[$i]");
        }
        foreach ($outcome['jobs'] as $i => $job) {
            $outcome['jobs'][$i] = self::object($job, "jobs[$i]");
        }
        foreach ($outcome['events'] as $i => $event) {
            if (!is_array($event)) {
                throw new \UnexpectedValueException("outcome events[$i] must be an object");
            }
            $event['payload'] = self::object($event['payload'] ?? [], "events[$i].payload");
            $outcome['events'][$i] = $event;
        }
        return $outcome;
    }

    /** An array (or object) without its null entries, as a JSON object. */
    private static function object(mixed $value, string $where): \stdClass
    {
        if ($value instanceof \stdClass) {
            $value = get_object_vars($value);
        }
        if (!is_array($value) || ($value !== [] && array_is_list($value))) {
            throw new \UnexpectedValueException("outcome $where must be an object");
        }
        return (object) array_filter($value, static fn ($item) => $item !== null);
    }
}
