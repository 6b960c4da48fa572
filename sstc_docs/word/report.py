"""The indicator revision history report as .docx: outcomes → indicators → revisions.

Laid out as a Flow (title, strategy lines, an outcome heading, each indicator as it reads now,
then one two-column table per revision: type, old/new text, baseline and target, reason,
decision with its full citation and status, status, dates) and written by PaperWriter on the
same template as the papers, so an office's styles apply here too.
"""

from __future__ import annotations

from pathlib import Path

from ..domain.labels import label
from ..domain.lifecycle import STATUS_NAMES
from ..domain.report import IndicatorEntry, IndicatorReport, RevisionEntry, report_label
from .flow import Flow, Para, Row, Seg, Table
from .layout import FRAMEWORK_WIDTHS, format_date, labelled
from .paper import PaperWriter


def _decision_text(revision: RevisionEntry, language: str) -> str:
    ref = revision.decision
    if ref is None:
        return ""
    status = label("decision_status." + ref.status, language) if ref.status in STATUS_NAMES else ref.status
    text = ref.citation
    if status:
        text += f"（{status}）" if language == "zh" else f" ({status})"
    return text + ("" if ref.id == ref.symbol else f" — {ref.id}")


def _revision_table(indicator: IndicatorEntry, n: int, revision: RevisionEntry, language: str) -> Table:
    L = lambda key: report_label(key, language)   # noqa: E731
    rows = [(L("type"), L("type." + revision.type))]
    for key in ("old_text", "new_text", "old_baseline", "new_baseline", "old_target", "new_target"):
        value = getattr(revision, key)
        if value:
            rows.append((L(key), value))
    rows += [(L("reason"), revision.reason), (L("decision"), _decision_text(revision, language)),
             (L("status"), L("status." + revision.status)),
             (L("effective_date"), format_date(revision.effective_date, language)),
             (L("proposed_on"), format_date(revision.proposed_on, language))]
    return Table("framework", f"revision:{indicator.id}:{revision.id or n}", FRAMEWORK_WIDTHS,
                 [Row([[Para("table_text", [Seg(name, "label")])], [Para("table_text", [Seg(value)])]])
                  for name, value in rows if value])


def _indicator_items(indicator: IndicatorEntry, language: str) -> list:
    name = label("indicator", language)
    if indicator.label:
        name = name.rstrip(":：") + (" " if language != "zh" else "") + indicator.label + name[-1]
    items: list = [Para("heading2", [Seg(labelled(name)), Seg(indicator.text)])]
    state = []
    if indicator.baseline:
        state.append(Seg(labelled(label("baseline", language)), "label"))
        state.append(Seg(indicator.baseline + " "))
    if indicator.target:
        state.append(Seg(labelled(label("target", language)), "label"))
        state.append(Seg(indicator.target + " "))
    if indicator.retired:
        state.append(Seg(report_label("retired", language)))
    elif not indicator.in_force:
        state.append(Seg(report_label("not_in_force", language)))
    if state:
        items.append(Para("body", state))
    if not indicator.revisions:
        items.append(Para("body", [Seg(report_label("no_revisions", language))]))
    for n, revision in enumerate(indicator.revisions, start=1):
        heading = report_label("revision", language, n=n)
        items.append(Para("heading3", [Seg(heading)]))
        items.append(_revision_table(indicator, n, revision, language))
    return items


def report_flow(report: IndicatorReport) -> Flow:
    language = report.language
    L = lambda key: report_label(key, language)   # noqa: E731
    title = L("title")
    items: list = [Para("title", [Seg(title)]),
                   Para("front", [Seg(labelled(L("strategy")), "label"),
                                  Seg(f"{report.strategy_title} ({report.strategy_id})")]),
                   Para("front", [Seg(labelled(L("period")), "label"), Seg(report.period)]),
                   Para("front", [Seg(labelled(L("generated")), "label"), Seg(report.generated_at)])]
    for outcome in report.outcomes:
        prefix = label("outcome", language, n=outcome.number)
        items.append(Para("heading1", [Seg(labelled(prefix)), Seg(outcome.statement)]))
        for indicator in outcome.indicators:
            items += _indicator_items(indicator, language)
    custom = {"sstc.generator": "sstc-docs indicator report", "sstc.report": "indicator revision history",
              "sstc.strategy_id": report.strategy_id, "sstc.generated_at": report.generated_at}
    for outcome in report.outcomes:
        for indicator in outcome.indicators:
            custom[f"sstc.indicator:{indicator.id}"] = len(indicator.revisions)
    return Flow(items, language, title=f"{title}: {report.strategy_title}", subject=report.strategy_id,
                header_text=report.strategy_id, creator="sstc-docs", created=report.generated_at, custom=custom)


def indicator_report_docx(report: IndicatorReport, *, template: str | Path | None = None) -> bytes:
    return PaperWriter(template).write(report_flow(report))
