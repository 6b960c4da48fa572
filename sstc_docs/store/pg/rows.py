"""Versions as rows: the column list every query selects, and JSON as the database keeps it."""

from __future__ import annotations

import json
from typing import Any

from psycopg.types.json import Json

from ..versions import META_FIELDS

#: A version row's columns, in the order of a version document (``Version.to_json()``).
VERSION_COLUMNS = ", ".join(META_FIELDS) + ", data"


def document_of(row: tuple) -> dict:
    """A row selected as ``VERSION_COLUMNS`` as the version document the unit and Version use."""
    return dict(zip(META_FIELDS + ("data",), row))


def as_json(value: Any) -> Json:
    """Compact UTF-8 JSON for a json column (key order kept: json, not jsonb, stores the text)."""
    return Json(value, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
