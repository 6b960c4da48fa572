"""A parsed query as an SQLite FTS5 MATCH expression over the index's three columns.

``title`` and ``body`` hold main-stream terms, ``chars`` the single characters; terms are
quoted, so no word a user types is ever read as FTS5 syntax (AND, NEAR, column names …).
"""

from __future__ import annotations

from .analyser import CHARS
from .query import Clause, ParsedQuery, Variant

MAIN_COLUMNS = "{title body}"


def match_expression(query: ParsedQuery) -> str:
    required = " AND ".join(_clause(c) for c in query.clauses if not c.excluded)
    excluded = "".join(f" NOT {_clause(c)}" for c in query.clauses if c.excluded)
    return f"({required}){excluded}" if excluded else required


def _clause(clause: Clause) -> str:
    options = [_variant(v) for v in clause.variants]
    return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def _variant(variant: Variant) -> str:
    phrase = '"' + " ".join(t.replace('"', '""') for t in variant.terms) + '"'
    if variant.prefix_last:
        phrase += " *"
    column = "chars" if variant.stream == CHARS else MAIN_COLUMNS
    return f"{column} : {phrase}"
