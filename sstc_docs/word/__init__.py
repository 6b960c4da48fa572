"""The Word (.docx) layer: the only package that writes WordprocessingML.

Public API (others code against it):
    export_docx(bundle, *, template=None) -> bytes
    redline_docx(bundles, *, template=None) -> bytes     (bundles: first version to last)
    indicator_report_docx(report, *, template=None) -> bytes
    record_of_decisions_docx(record, *, template=None) -> bytes, minutes_toc_docx(toc, *, template=None) -> bytes

The writers are imported when first named (PEP 562): reading a Word file (``word.reader``)
imports this package, and a command that only reads should not pay for loading every writer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: name → the module of this package that defines it
_PUBLIC = {"export_docx": ".paper", "PaperWriter": ".paper", "redline_docx": ".redline",
           "indicator_report_docx": ".report", "record_of_decisions_docx": ".session",
           "minutes_toc_docx": ".session", "TemplateError": ".oxml.package"}
__all__ = list(_PUBLIC)

if TYPE_CHECKING:
    from .oxml.package import TemplateError
    from .paper import PaperWriter, export_docx
    from .redline import redline_docx
    from .report import indicator_report_docx
    from .session import minutes_toc_docx, record_of_decisions_docx


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    globals()[name] = value
    return value
