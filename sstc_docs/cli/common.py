"""What every command shares: opening the services, printing JSON, reading JSON input."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Iterator

from ..domain.records import KINDS
from ..errors import ValidationError
from ..services import Services, open_services


@contextmanager
def services_for(args) -> Iterator[Services]:
    services = open_services(args.db)
    try:
        yield services
    finally:
        services.close()


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, sort_keys=False)
    sys.stdout.write("\n")


def read_json(source: str) -> object:
    """JSON from a file or '-' (stdin), refused with the line and column of the mistake."""
    try:
        text = sys.stdin.read() if source == "-" else open(source, encoding="utf-8").read()
    except OSError as error:
        raise ValidationError(f"cannot read {source}: {error.strerror}", field="file") from None
    except UnicodeDecodeError:
        raise ValidationError(f"{source} is not UTF-8 text", field="file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"{source} is not valid JSON: {error.msg} at line {error.lineno}, "
                              f"column {error.colno}", field="file") from None


def kind_argument(parser, *, optional: bool = False) -> None:
    if optional:
        parser.add_argument("kind", nargs="?", default="paper", choices=KINDS, help="record kind (default paper)")
    else:
        parser.add_argument("kind", choices=KINDS, help="record kind")
