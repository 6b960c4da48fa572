"""What every command shares: opening the services (acting as an account when the command
writes), printing JSON, reading JSON input."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..domain.records import SHOWN_KINDS
from ..domain.rights import Actor
from ..errors import ValidationError
from ..limits import max_input_bytes, parse_json_bytes
from ..services import Services, open_services
from ..services.accounts import SignInRefused, auth_mode


AUTHOR_REFUSED = ("--author is gone: a change is recorded with the account that makes it. Set SSTC_TOKEN to "
                  "your token (an administrator prints one with `python -m sstc_docs account token LOGIN`); in "
                  "local mode the command acts as the operating system's user.")


@contextmanager
def services_for(args, *, acting: bool = False) -> Iterator[Services]:
    """The services over ``--db``; with ``acting``, acting as the command's account (``actor``),
    which a command that writes needs and one that only reads does not."""
    services = open_services(args.db)
    try:
        yield services.acting_as(actor(services)) if acting else services
    finally:
        services.close()


def actor(services: Services) -> Actor:
    """Who the command acts as: the account of ``SSTC_TOKEN``; else the operating system's user
    (its account made on first use, with every role) in local mode, or in any mode while the
    database has no account yet — so whoever set the database up becomes its first administrator
    and creates the others; else a refusal saying how to get a token."""
    token = os.environ.get("SSTC_TOKEN", "").strip()
    if token:
        return services.accounts.actor_for_token(token)
    if auth_mode() == "local" or not services.store.heads("account", include_deleted=True):
        return services.accounts.local_actor()
    raise SignInRefused(f"This database runs in {auth_mode()} mode: set SSTC_TOKEN to your token to act as your "
                        "account (an administrator prints one with `python -m sstc_docs account token LOGIN`).")


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
        parser.add_argument("kind", nargs="?", default="paper", choices=SHOWN_KINDS,
                            help="record kind (default paper)")
    else:
        parser.add_argument("kind", choices=SHOWN_KINDS, help="record kind")
