"""The cover block and front matter recognised from their words, in English or Chinese.

Recognition works on text, not styles, so a paper typed by hand in Normal style, one converted by
pandoc (tabs become spaces) and one exported by sstc-docs are read alike. The words come from
``domain.labels`` — the same table the exporter prints from — so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as _dt
import re

from ...domain.labels import LANGUAGE_NAMES, label
from ...domain.records import FRONT_MATTER_KEYS
from ...domain.symbols import SECTIONS, parse_symbol
from ...errors import ValidationError

LANGS = ("en", "zh")
SYMBOL = re.compile(r"GB\.\d{1,4}/[A-Za-z]{2,5}/\d{1,3}(?:/\d{1,3})?(?:\((?:Rev\.\d{0,2}|Add\.\d{1,2})\))?")
_ORDINALS_EN = ["FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH",
                "ELEVENTH", "TWELFTH", "THIRTEENTH", "FOURTEENTH", "FIFTEENTH", "SIXTEENTH", "SEVENTEENTH",
                "EIGHTEENTH", "NINETEENTH", "TWENTIETH"]
_AGENDA_EN = re.compile(r"^([A-Z]+|\d{1,3}(?:ST|ND|RD|TH))\s+ITEM\s+ON\s+THE\s+AGENDA$", re.IGNORECASE)
_AGENDA_ZH = re.compile(r"^第\s*([零〇一二两三四五六七八九十百\d]+)\s*项议程$")
_SESSION_EN = re.compile(r"^(\d{1,4})(?:st|nd|rd|th)\s+Session,\s*Geneva,\s*(.*)$", re.IGNORECASE)
_SESSION_ZH = re.compile(r"^第\s*(\d{1,4})\s*届会议[，,]\s*(.*?)[，,]\s*日内瓦$")
_MONTHS = {m.lower(): i for i, m in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), start=1)}
_DATE_EN = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")
_DATE_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_HEADS = [label(key, lang) for key in ("office", "governing_body") for lang in LANGS]
_NONE = {"none", "none.", "无", "无。", "n/a", "-", "—"}


def squash(text: str) -> str:
    """Text for comparing labels: case folded, spaces and colons (ASCII or full-width) removed."""
    return re.sub(r"[\s:：]+", "", text).casefold()


def find_symbol(text: str) -> str | None:
    for match in SYMBOL.finditer(text.replace(" ", "")):
        try:
            return str(parse_symbol(match.group(0)))
        except ValidationError:
            continue
    return None


def chinese_numeral(text: str) -> int | None:
    """五 → 5, 十五 → 15, 二十一 → 21, 一百零五 → 105; digits as digits."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def agenda_item(text: str) -> int | None:
    text = " ".join(text.split())
    match = _AGENDA_EN.match(text)
    if match:
        word = match.group(1).upper()
        if word in _ORDINALS_EN:
            return _ORDINALS_EN.index(word) + 1
        return int(re.match(r"\d+", word).group(0)) if word[0].isdigit() else None
    match = _AGENDA_ZH.match(text.replace(" ", ""))
    return chinese_numeral(match.group(1)) if match else None


def action(text: str) -> str | None:
    key = squash(text)
    for name in ("decision", "debate", "information"):
        if any(key == squash(label(f"action.{name}", lang)) for lang in LANGS):
            return name
    return None


def session(text: str) -> tuple[int, str] | None:
    text = text.strip()
    match = _SESSION_EN.match(text) or _SESSION_ZH.match(text)
    return (int(match.group(1)), match.group(2).strip().rstrip(",，")) if match else None


def section(text: str) -> str | None:
    key = squash(text)
    for code, names in SECTIONS.items():
        if key in (squash(n) for n in names.values()):
            return code
    return None


def labelled(text: str, key: str) -> tuple[str, str] | None:
    """(language, the text after the label) when ``text`` starts with the label ("Date:", "原文：")."""
    stripped = text.strip()
    for lang in LANGS:
        word = label(key, lang).rstrip(":：").strip()
        if stripped.casefold().startswith(word.casefold()):
            rest = stripped[len(word):]
            if not rest or rest[0] in ":：" or rest[0].isspace():
                return lang, rest.lstrip(":：").strip()
    return None


def after_label(text: str, key: str) -> str | None:
    found = labelled(text, key)
    return found[1] if found else None


def parse_date(text: str) -> str:
    """'16 November 2012', '2012 年 11 月 16 日' or '2012-11-16' → ISO; '' when it is no date."""
    text = text.strip().rstrip(".")
    try:
        match = _DATE_EN.match(text)
        if match and match.group(2).lower() in _MONTHS:
            return _dt.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1))).isoformat()
        match = _DATE_ZH.match(text)
        if match:
            return _dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        return _dt.date.fromisoformat(text).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""
    except ValueError:
        return ""


def language_code(name: str) -> str | None:
    """'English' / '英文' → 'en': a language's name as printed in English or Chinese."""
    key = squash(name).rstrip(".。")
    for code, names in LANGUAGE_NAMES.items():
        if key in (squash(names.get(lang, "")) for lang in LANGS):
            return code
    return None


def front_label(text: str) -> tuple[str, str] | None:
    """(front-matter key, the text after the label on the same line, as written) or None."""
    for key in FRONT_MATTER_KEYS:
        rest = after_label(text, "front." + key)
        if rest is not None:
            return key, rest
    return None


def front_value(text: str) -> str:
    """An entry's value; the printed "None." / "无。" of an empty entry reads back as empty."""
    return "" if text.strip().casefold() in _NONE else text.strip()


def is_draft_decision(text: str) -> bool:
    return squash(text).rstrip(".。") in {squash(label("draft_decision", lang)) for lang in LANGS}


def cover_cells(text: str) -> list[str]:
    """A cover line split into what it holds: by tabs, before "Date:"/"Original:" typed inline, and
    after "International Labour Office"/"Governing Body" when a converter turned the tab into a space, and
    around the symbol wherever it is typed."""
    cells = []
    for cell in text.split("\t"):
        cells += [c for c in re.split(r"\s+(?=(?:Date|Original)\s*:|(?:日期|原文)\s*：)", cell) if c.strip()]
    out = []
    for cell in (c.strip() for c in cells):
        head = next((w for w in _HEADS if cell.startswith(w) and len(cell) > len(w)), "")
        for piece in [head, cell[len(head):]] if head else [cell]:
            out += [p.strip() for p in SYMBOL.split(piece) if p.strip()] + SYMBOL.findall(piece)
    return out


def text_language(text: str) -> str:
    """zh when CJK ideographs make up a fair share of the letters, else en."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk * 3 >= latin else "en"
