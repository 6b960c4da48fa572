"""What every command shares: opening the services, printing JSON, reading JSON input."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..domain.records import KINDS
from ..errors import ValidationError
from ..limits import max_input_bytes, parse_json_bytes
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
    """JSON from a file or '-' (stdin), within the limits of sstc_docs.limits, refused with the
    line and column of the mistake. Reads bytes, at most one more than any acceptable input, so a
    huge or endless input is refused without being held in memory and the encoding is checked
    strictly (not by the locale's rules, which may let broken bytes through as surrogates)."""
    limit = max_input_bytes()
    name = "standard input" if source == "-" else source
    if source == "-" and sys.stdin is None:
        raise ValidationError("standard input is closed; pipe the JSON in, or give the file's path", field="file")
    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as file:
                data = file.read(limit + 1)
    except OSError as error:
        raise ValidationError(f"cannot read {name}: {error.strerror or error}", field="file") from None
    return parse_json_bytes(data, name)


def write_output(path: Path, data: bytes) -> None:
    """Write a file the user asked for. A failure (full disk, no permission) refuses the command
    (exit 2) rather than passing for a bug or a database problem: the database is untouched. A
    file this call created is removed again, so no half-written document is left to be mistaken
    for a whole one."""
    existed = path.exists()
    try:
        path.write_bytes(data)
    except OSError as error:
        if not existed and path.is_file():
            path.unlink(missing_ok=True)
        raise ValidationError(f"cannot write {path}: {error.strerror or error}; the database is unchanged",
                              field="out") from None


def out_path(value: str, suffix: str = ".docx") -> Path:
    """The file a command is to write, refused early (nothing computed) if it cannot be one."""
    path = Path(value)
    if path.suffix.lower() != suffix:
        raise ValidationError(f"{value}: the output file should end in {suffix}", field="out")
    if not path.parent.exists():
        raise ValidationError(f"{path.parent} does not exist; create the folder or choose another", field="out")
    if path.is_dir():
        raise ValidationError(f"{value} is a folder; give a file name ending in {suffix}", field="out")
    return path


def kind_argument(parser, *, optional: bool = False) -> None:
    if optional:
        parser.add_argument("kind", nargs="?", default="paper", choices=KINDS, help="record kind (default paper)")
    else:
        parser.add_argument("kind", choices=KINDS, help="record kind")
