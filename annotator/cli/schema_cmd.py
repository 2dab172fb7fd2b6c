"""``annotator schema [--json-schema]``"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annotator.cli.common import load_scheme_arg

if TYPE_CHECKING:
    from annotator.schema import Scheme


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json-schema", action="store_true", help="print the JSON Schema of one export record")
    p.set_defaults(func=run)


def json_schema_text(scheme: Scheme) -> str:
    import orjson

    return orjson.dumps(scheme.record_json_schema, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n"


def run(args: argparse.Namespace) -> int:
    from annotator.tui.scheme_check import check_scheme

    scheme = load_scheme_arg(args)
    check_scheme(scheme)  # what the screens need too (colours, hotkeys): refused here, not at the first tag
    if args.json_schema:
        print(json_schema_text(scheme), end="")
        return 0
    print(f"scheme {scheme.name} v{scheme.version} ({scheme.path})")
    for lab in scheme.labels:
        print(f"  [{lab.key}] {lab.name:<10} {lab.color}  {lab.description}")
        for a in lab.attrs:
            extra = f" {list(a.choices)}" if a.choices else (f" -> {'|'.join(a.targets)}" if a.targets else "")
            print(f"        {a.name}: {a.type}{extra}{'' if not a.required else ' (required)'}")
    return 0
