#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 2020-12) with the `jsonschema` package.

    validate_json.py SCHEMA DOCUMENT...

Exit 0 when every document is valid; 1 listing each error (document, path, message); 2 when `jsonschema` is
missing (Debian: python3-jsonschema, installed by `make deps`).
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.stderr.write("python3-jsonschema is not installed (make deps installs it)\n")
    sys.exit(2)


def main():
    schema_path, documents = sys.argv[1], sys.argv[2:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    failed = False
    for path in documents:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            failed = True
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: /{where}: {error.message}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
