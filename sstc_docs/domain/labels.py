"""Words the paper prints, in the paper's language: English and Chinese, as in the seed paper.

Every label the exporter or the app prints comes from here, so adding a language is one table.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "中文", "fr": "Français", "es": "Español"}

LANGUAGE_NAMES = {
    "en": {"en": "English", "zh": "英文", "fr": "French", "es": "Spanish"},
    "zh": {"en": "Chinese", "zh": "中文", "fr": "Chinese", "es": "Chinese"},
    "fr": {"en": "French", "zh": "法文", "fr": "French", "es": "French"},
    "es": {"en": "Spanish", "zh": "西班牙文", "fr": "Spanish", "es": "Spanish"},
}

_LABELS: dict[str, dict[str, str]] = {
    "office": {"en": "International Labour Office", "zh": "国际劳工局"},
    "governing_body": {"en": "Governing Body", "zh": "理事会"},
    "date": {"en": "Date:", "zh": "日期："},
    "original": {"en": "Original:", "zh": "原文："},
    "action.decision": {"en": "FOR DECISION", "zh": "供决定"},
    "action.debate": {"en": "FOR DEBATE AND GUIDANCE", "zh": "供讨论和指导"},
    "action.information": {"en": "FOR INFORMATION", "zh": "供参考"},
    "front.purpose": {"en": "Purpose of the document", "zh": "文件的目的是"},
    "front.strategic_objective": {"en": "Relevant strategic objective:", "zh": "相关的战略目标："},
    "front.policy_implications": {"en": "Policy implications:", "zh": "政策影响："},
    "front.legal_implications": {"en": "Legal implications:", "zh": "法律影响："},
    "front.financial_implications": {"en": "Financial implications:", "zh": "财政影响："},
    "front.follow_up": {"en": "Follow-up action required:", "zh": "需采取的后续行动："},
    "front.author_unit": {"en": "Author unit:", "zh": "作者单位："},
    "front.related_documents": {"en": "Related documents:", "zh": "相关文件："},
    "none": {"en": "None.", "zh": "无。"},
    "draft_decision": {"en": "Draft decision", "zh": "决定草案"},
    "outcome": {"en": "Outcome {n}:", "zh": "成果 {n}："},
    "indicator": {"en": "Indicator:", "zh": "指标："},
    "baseline": {"en": "Baseline:", "zh": "基线："},
    "target": {"en": "Target:", "zh": "目标："},
    "new_indicator": {"en": "New indicator {label}:", "zh": "新的指标{label}："},
    "revised_indicator": {"en": "Revised indicator:", "zh": "修订的指标："},
    "revised_baseline": {"en": "Revised baseline:", "zh": "修订的基线："},
    "revised_target": {"en": "Revised target:", "zh": "修订的目标："},
    "paragraph": {"en": "paragraph {n}", "zh": "第 {n} 段"},
    "and": {"en": "and", "zh": "和"},
    "session": {"en": "{n}th Session, Geneva, {dates}", "zh": "第 {n} 届会议，{dates}，日内瓦"},
    "agenda_item": {"en": "{ordinal} ITEM ON THE AGENDA", "zh": "第{ordinal}项议程"},
}

_ORDINALS_EN = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH",
                "NINTH", "TENTH", "ELEVENTH", "TWELFTH", "THIRTEENTH", "FOURTEENTH", "FIFTEENTH",
                "SIXTEENTH", "SEVENTEENTH", "EIGHTEENTH", "NINETEENTH", "TWENTIETH"]
_DIGITS_ZH = "零一二三四五六七八九"


def label(key: str, language: str, **values) -> str:
    """The label in ``language``, falling back to English for a language without a table."""
    table = _LABELS[key]
    return table.get(language, table["en"]).format(**values)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一, 105 → 一百零五."""
    if n < 10:
        return _DIGITS_ZH[n]
    if n < 20:
        return "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS_ZH[n // 10] + "十" + (_DIGITS_ZH[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + _DIGITS_ZH[rest] if rest < 10 else chinese_number(rest))
    if 10 <= rest < 20:
        tail = "一" + tail
    return _DIGITS_ZH[hundreds] + "百" + tail


def ordinal_word(n: int, language: str) -> str:
    """The agenda ordinal as the house format writes it: FIFTH (en), 五 (zh, inside 第…项)."""
    if language == "zh":
        return chinese_number(n)
    if 1 <= n <= len(_ORDINALS_EN):
        return _ORDINALS_EN[n - 1]
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def agenda_line(n: int, language: str) -> str:
    return label("agenda_item", language, ordinal=ordinal_word(n, language))


def session_ordinal(n: int) -> str:
    """316 → 316th, 301 → 301st, 312 → 312th: the English session ordinal."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def session_line(n: int, dates: str, language: str) -> str:
    if language == "zh":
        return label("session", "zh", n=n, dates=dates)
    return f"{session_ordinal(n)} Session, Geneva, {dates}"


def none_text(language: str) -> str:
    return label("none", language)


def language_name(code: str, in_language: str) -> str:
    return LANGUAGE_NAMES.get(code, {}).get(in_language, code)
