"""The Word (.docx) layer: the only package that writes WordprocessingML.

Public API (others code against it):
    export_docx(bundle, *, template=None) -> bytes
    redline_docx(bundles, *, template=None) -> bytes     (bundles: first version to last)
    indicator_report_docx(report, *, template=None) -> bytes
    record_of_decisions_docx(record, *, template=None) -> bytes, minutes_toc_docx(toc, *, template=None) -> bytes
"""

from .oxml.package import TemplateError
from .paper import PaperWriter, export_docx
from .redline import redline_docx
from .report import indicator_report_docx
from .session import minutes_toc_docx, record_of_decisions_docx

__all__ = ["export_docx", "redline_docx", "indicator_report_docx", "record_of_decisions_docx", "minutes_toc_docx",
           "PaperWriter", "TemplateError"]

from ..domain.report import IndicatorReport, build_indicator_report  # noqa: E402

__all__ += ["IndicatorReport", "build_indicator_report"]
