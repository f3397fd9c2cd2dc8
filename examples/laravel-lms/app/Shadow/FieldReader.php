<?php

namespace App\Shadow;

use ShadowGate\Laravel\InvalidCommand;

/** Typed access to a command's fields with the built-in codec's rules (JSON integers stay integers). */
final class FieldReader
{
    public function __construct(private string $op, private array $fields)
    {
    }

    public function int(string $name): int
    {
        $value = $this->required($name);
        if (!is_int($value)) {
            throw $this->mistyped($name, 'integer', $value);
        }
        return $value;
    }

    public function optionalInt(string $name): ?int
    {
        return ($this->fields[$name] ?? null) === null ? null : $this->int($name);
    }

    public function string(string $name): string
    {
        $value = $this->required($name);
        if (!is_string($value)) {
            throw $this->mistyped($name, 'string', $value);
        }
        return $value;
    }

    public function optionalString(string $name): ?string
    {
        return ($this->fields[$name] ?? null) === null ? null : $this->string($name);
    }

    public function number(string $name): float
    {
        $value = $this->required($name);
        if (!is_int($value) && !is_float($value)) {
            throw $this->mistyped($name, 'number', $value);
        }
        return (float) $value;
    }

    /** @return list<float> */
    public function numbers(string $name): array
    {
        $value = $this->required($name);
        if (!is_array($value) || !array_is_list($value)) {
            throw $this->mistyped($name, 'array of numbers', $value);
        }
        $numbers = [];
        foreach ($value as $index => $element) {
            if (!is_int($element) && !is_float($element)) {
                throw $this->mistyped("{$name}[{$index}]", 'number', $element);
            }
            $numbers[] = (float) $element;
        }
        return $numbers;
    }

    private function required(string $name): mixed
    {
        if (!array_key_exists($name, $this->fields)) {
            return throw new InvalidCommand("missing field \"{$name}\" for {$this->op}");
        }
        return $this->fields[$name];
    }

    private function mistyped(string $name, string $expected, mixed $got): InvalidCommand
    {
        return new InvalidCommand("field \"{$name}\": expected {$expected}, got ".json_encode($got, JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES));
    }
}
