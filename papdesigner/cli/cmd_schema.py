"""``papdesigner schema``: print the JSON Schema of the current protocol format."""

from __future__ import annotations

import argparse
import json

from papdesigner.model.protocol import Protocol


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` subcommand."""
    parser = subparsers.add_parser("schema", help="print the JSON Schema of *.pap.json files")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    schema = Protocol.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "papdesigner protocol (*.pap.json)"
    # Every other key has a default; a file without its id is refused when it loads.
    schema["required"] = ["id"]
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
