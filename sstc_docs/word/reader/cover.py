"""The cover block and front matter recognised from their words, in any language the paper prints.

Recognition works on text, not styles, so a paper typed by hand in Normal style, one converted by
pandoc (tabs become spaces) and one exported by sstc-docs are read alike. Every word comes from
``domain.labels`` — the same catalogue the exporter prints from — so the two cannot drift apart;
each recogniser also says which language's label it matched, and the labels vote for the paper's
language.
"""

from __future__ import annotations

import datetime as _dt
import re

from ...domain.labels import LANGUAGES, agenda_line, in_every_language, label, language_name
from ...domain.records import FRONT_MATTER_KEYS
from ...domain.symbols import SECTIONS, parse_symbol
from ...errors import ValidationError

LANGS = tuple(LANGUAGES)
SYMBOL = re.compile(r"GB\.\d{1,4}/[A-Za-z]{2,5}/\d{1,3}(?:/\d{1,3})?(?:\((?:Rev\.\d{0,2}|Add\.\d{1,2})\))?")
_NONE = {n.casefold() for n in in_every_language("none")} | {n.casefold().rstrip(".。") for n in
                                                              in_every_language("none")} | {"n/a", "-", "—"}
_HEADS = [w for key in ("office", "governing_body") for w in in_every_language(key)]


def squash(text: str) -> str:
    """Text for comparing labels: case folded, spaces and colons (ASCII or full-width) removed."""
    return re.sub(r"[\s:：]+", "", text).casefold()


def _which(text: str, key: str, **values) -> str | None:
    """The language whose label ``key`` the text is, or None."""
    flat = squash(text)
    return next((lang for lang in LANGS if flat == squash(label(key, lang, **values))), None)


def _pattern(template: str, **groups: str) -> re.Pattern:
    """A label template ("{ordinal} Session, Geneva, {dates}") as a tolerant regex with named groups."""
    parts = re.split(r"\{(\w+)\}", template)
    regex = ""
    for i, part in enumerate(parts):
        if i % 2:
            regex += f"(?P<{part}>{groups[part]})"
        else:
            words = (re.sub("[,，]", "[,，]", re.escape(word)) for word in part.split())
            regex += r"\s*" + r"\s*".join(words) + r"\s*"
    return re.compile(r"^" + regex + r"$", re.IGNORECASE)


_AGENDA = {lang: {agenda_line(n, lang).casefold().replace(" ", ""): n for n in range(1, 151)} for lang in LANGS}
_SESSIONS = [(lang, _pattern(label(key, lang, ordinal="{ordinal}", dates="{dates}"), ordinal=r"\d{1,4}[^\s,，]*",
                             dates=r".*?"))
             for lang in LANGS for key in ("session_dated", "session")]
_MONTHS = {lang: {squash(label(f"month.{n}", lang)): n for n in range(1, 13)} for lang in LANGS}
_DATES = [(lang, _pattern(label("date_pattern", lang, day="{day}", month="{month}", year="{year}"),
                          day=r"\d{1,2}(?:er)?", month=r"[^\d\s]+|\d{1,2}\s*月", year=r"\d{4}")) for lang in LANGS]
_REVISION_NOTE = re.compile("|".join(re.escape(label("replaces", lang, symbol="\0").split("\0")[0].strip())
                                     for lang in LANGS))


def find_symbol(text: str) -> str | None:
    for match in SYMBOL.finditer(text.replace(" ", "")):
        try:
            return str(parse_symbol(match.group(0)))
        except ValidationError:
            continue
    return None


def heading_label(text: str) -> str | None:
    """The language when ``text`` is "International Labour Office" or "Governing Body" in it."""
    return _which(text, "office") or _which(text, "governing_body")


def agenda_item(text: str) -> tuple[int, str] | None:
    key = text.strip().casefold().replace(" ", "")
    for lang in LANGS:
        if key in _AGENDA[lang]:
            return _AGENDA[lang][key], lang
    match = re.match(r"^(\d{1,3})(?:st|nd|rd|th)?itemontheagenda$", key)
    return (int(match.group(1)), "en") if match else None


def action(text: str) -> tuple[str, str] | None:
    for name in ("decision", "debate", "information"):
        lang = _which(text, f"action.{name}")
        if lang:
            return name, lang
    return None


def session(text: str) -> tuple[str, str] | None:
    """(the session dates as printed, language) for "316th Session, Geneva, 1–16 November 2012"."""
    for lang, pattern in _SESSIONS:
        match = pattern.match(text)
        if match:
            return (match.groupdict().get("dates") or "").strip().rstrip(",，"), lang
    return None


def section(text: str) -> tuple[str, str] | None:
    """(section code, language) for a section's full name, or its bare code printed beside it."""
    if text.strip() in SECTIONS:
        return text.strip(), ""
    key = squash(text)
    for code, names in SECTIONS.items():
        for lang, name in names.items():
            if key == squash(name):
                return code, lang
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
    """'16 November 2012', '2012 年 11 月 16 日', '1er mars 2013' or '2012-11-16' → ISO; '' if no date."""
    text = text.strip().rstrip(".")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return _dt.date.fromisoformat(text).isoformat()
        for lang, pattern in _DATES:
            match = pattern.match(text)
            month = _MONTHS[lang].get(squash(match.group("month"))) if match else None
            if month:
                day = int(re.match(r"\d+", match.group("day")).group(0))
                return _dt.date(int(match.group("year")), month, day).isoformat()
    except ValueError:
        pass
    return ""


def language_code(name: str) -> str | None:
    """'English' / '英文' / 'anglais' → 'en': a language's name as the cover prints it."""
    key = squash(name).rstrip(".。")
    for code in LANGS:
        if key in (squash(language_name(code, lang)) for lang in LANGS):
            return code
    return None


def front_label(text: str) -> tuple[str, str, str] | None:
    """(front-matter key, language, the text after the label on the same line, as written) or None."""
    for key in FRONT_MATTER_KEYS:
        found = labelled(text, "front." + key)
        if found is not None:
            return key, found[0], found[1]
    return None


def front_value(text: str) -> str:
    """An entry's value; the printed "None." / "无。" of an empty entry reads back as empty."""
    return "" if text.strip().casefold() in _NONE else text.strip()


def is_draft_decision(text: str) -> bool:
    return squash(text).rstrip(".。") in {squash(name) for name in in_every_language("draft_decision")}


def is_revision_note(text: str) -> bool:
    """"This document replaces GB.…": printed from the symbol by the exporter, not kept."""
    return bool(_REVISION_NOTE.match(text.strip()))


_INLINE_LABELS = re.compile(r"\s+(?=(?:" + "|".join(re.escape(w.rstrip(":：").strip()) for key in ("date", "original")
                                                      for w in in_every_language(key)) + r")\s*[:：])")


_SECTION_CODE = re.compile(r"\s+(" + "|".join(SECTIONS) + r")$")


def cover_cells(text: str) -> list[str]:
    """A cover line split into what it holds: by tabs, before "Date:"/"Original:" typed inline,
    after "International Labour Office"/"Governing Body" when a converter turned the tab into a space,
    and around the symbol wherever it is typed."""
    cells = []
    for cell in text.split("\t"):
        cells += [c for c in _INLINE_LABELS.split(cell) if c.strip()]
    out = []
    for cell in (c.strip() for c in cells):
        code = _SECTION_CODE.search(cell)
        if code and section(cell[:code.start()]):           # "Policy Development Section POL"
            out += [cell[:code.start()].strip(), code.group(1)]
            continue
        head = next((w for w in _HEADS if cell.startswith(w) and len(cell) > len(w)), "")
        for piece in [head, cell[len(head):]] if head else [cell]:
            out += [p.strip() for p in SYMBOL.split(piece) if p.strip()] + SYMBOL.findall(piece)
    return out


def text_language(text: str) -> str:
    """zh when CJK ideographs make up a fair share of the letters, else en."""
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk * 3 >= latin else "en"
