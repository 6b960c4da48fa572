"""``python -m sstc_docs [--db PATH] COMMAND …``: a stable interface for scripts and checks.

Exit codes: 0 done; 1 an unexpected internal error (a bug: set SSTC_DEBUG=1 for the traceback);
2 the input or arguments were refused (nothing written); 3 a conflict with a newer version
(nothing written); 4 the database cannot be used; 5 a check (verify, verify-docx) ran and found
something wrong. Messages go to stderr, results to
stdout, never a traceback. Each command group lives in its own module with ``register(commands)``.
When the reader of stdout goes away (``get … | head``) the command ends quietly with 141, the
shell's code for a broken pipe: the output was cut short, but nothing is wrong with the data.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Callable

from ..domain.rights import Forbidden
from ..errors import ConflictError, NotFound, SstcError, StoreError, ValidationError
from . import accounts, copy, decisions, documents, evidence, imports, records, search, sessions
from .common import AUTHOR_REFUSED

EXIT_OK, EXIT_BUG, EXIT_INVALID, EXIT_CONFLICT, EXIT_STORE = 0, 1, 2, 3, 4
EXIT_BROKEN_PIPE = 128 + 13  # as if killed by SIGPIPE, what shells report for `… | head`
COMMAND_GROUPS = (records, decisions, documents, evidence, imports, search, sessions, accounts, copy)
_SURROGATES = re.compile("[\ud800-\udfff]")
# Arguments that name files: on POSIX a file name may be any bytes, so these are left as Python
# decoded them (surrogate escapes included) and open() finds the file. Every other argument is
# text that ends up in a record or a message and must be real UTF-8.
PATH_ARGUMENTS = frozenset({"db", "file", "out", "template", "source", "target"})


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code for bad arguments is 2, as ours
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sstc_docs", description="sstc-docs: Governing Body papers, decisions, "
                     "strategies and evidence, every version kept.")
    parser.add_argument("--db", metavar="PATH", help="database folder (default: $SSTC_DB or db/ in the project)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def check_text_arguments(args: argparse.Namespace) -> None:
    """Refuse text arguments holding bytes that are not UTF-8 (Python keeps them as lone
    surrogates, which no file can store), naming the option, before anything is opened."""
    for name, value in vars(args).items():
        if name not in PATH_ARGUMENTS and isinstance(value, str) and _SURROGATES.search(value):
            raise ValidationError("this is not valid UTF-8 text; type it again, with the terminal set to UTF-8",
                                  field=name)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the final flush at exit cannot fail once more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    if any(arg == "--author" or arg.startswith("--author=") for arg in (sys.argv[1:] if argv is None else argv)):
        print(f"refused, nothing was written:\n  - {AUTHOR_REFUSED}", file=sys.stderr)
        return EXIT_INVALID
    args = build_parser().parse_args(argv)
    handler: Callable = args.handler
    try:
        check_text_arguments(args)
        code = handler(args) or EXIT_OK
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except ConflictError as error:
        print(f"conflict: {error}", file=sys.stderr)
        return EXIT_CONFLICT
    except ValidationError as error:
        print("refused, nothing was written:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_INVALID
    except Forbidden as error:
        print(f"not allowed, nothing was written: {error}", file=sys.stderr)
        return EXIT_INVALID
    except NotFound as error:
        print(f"not found: {error}", file=sys.stderr)
        return EXIT_INVALID
    except StoreError as error:
        print(f"database error: {error}", file=sys.stderr)
        return EXIT_STORE
    except SstcError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - a bug: say so plainly; the traceback is for developers
        if os.environ.get("SSTC_DEBUG"):
            raise
        print(f"internal error ({type(error).__name__}: {error}). Nothing is lost: every save is atomic. "
              "Run again with SSTC_DEBUG=1 for the details, and report them.", file=sys.stderr)
        return EXIT_BUG
