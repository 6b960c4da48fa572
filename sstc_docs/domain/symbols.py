"""Governing Body document symbols: ``GB.<session>/<section>/<item>[/<sub-item>][(Rev.|Rev.N|Add.N)]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import ValidationError
from .labels import LANGUAGES, section_name

# the codes; their full names, in every language, are labels (domain.labels, "section.<code>")
SECTIONS: dict[str, dict[str, str]] = {code: {language: section_name(code, language) for language in LANGUAGES}
                                        for code in ("INS", "POL", "LILS", "PFA")}

_SYMBOL = re.compile(
    r"^GB\.(?P<session>\d{1,4})/(?P<section>[A-Za-z]+)/(?P<item>\d{1,3})(?:/(?P<sub_item>\d{1,3}))?"
    r"(?:\((?P<suffix>Rev\.|Rev\.\d{1,2}|Add\.\d{1,2})\))?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Symbol:
    session: int
    section: str
    item: int
    sub_item: int | None = None
    suffix: str = ""  # "", "Rev.", "Rev.2", "Add.1"

    def __str__(self) -> str:
        text = f"GB.{self.session}/{self.section}/{self.item}"
        if self.sub_item is not None:
            text += f"/{self.sub_item}"
        return text + (f"({self.suffix})" if self.suffix else "")

    @property
    def base(self) -> str:
        """The symbol without its (Rev.)/(Add.) suffix: the item the paper belongs to."""
        return str(Symbol(self.session, self.section, self.item, self.sub_item))

    def revised(self) -> "Symbol":
        """The next revision's symbol: (Rev.) after the original, then (Rev.2), (Rev.3) …"""
        if not self.suffix:
            suffix = "Rev."
        elif self.suffix == "Rev.":
            suffix = "Rev.2"
        elif self.suffix.startswith("Rev."):
            suffix = f"Rev.{int(self.suffix[4:]) + 1}"
        else:
            suffix = self.suffix
        return Symbol(self.session, self.section, self.item, self.sub_item, suffix)


    def addendum(self) -> "Symbol":
        """The next addendum's symbol: (Add.1) after the original or a revision, then (Add.2) …"""
        number = int(self.suffix[4:]) + 1 if self.suffix.startswith("Add.") else 1
        return Symbol(self.session, self.section, self.item, self.sub_item, f"Add.{number}")


def parse_symbol(text: str) -> Symbol:
    """Parse a symbol or raise a ValidationError that says what a good one looks like."""
    raw = (text or "").strip().replace(" ", "")  # "gb.347/pol/2" is read as GB.347/POL/2
    match = _SYMBOL.match(raw)
    if not match:
        raise ValidationError(
            f"'{text}' is not a Governing Body document symbol; write it like GB.316/POL/5, "
            "GB.316/INS/3/1 or GB.316/POL/5(Rev.)", field="symbol")
    section = match["section"].upper()
    if section not in SECTIONS:
        raise ValidationError(
            f"unknown section '{match['section']}' in {text}; use one of {', '.join(SECTIONS)}",
            field="symbol")
    session = int(match["session"])
    if session < 1:
        raise ValidationError("the session number must be 1 or more", field="symbol")
    suffix = (match["suffix"] or "").capitalize()  # typed as rev. or ADD.1: written Rev. / Add.1
    return Symbol(session, section, int(match["item"]),
                  int(match["sub_item"]) if match["sub_item"] else None, suffix)


@lru_cache(maxsize=32_768)
def symbol_order(text: str) -> tuple:
    """How symbols sort for a reader: by session, section, then item numbers as numbers
    (GB.329/PFA/1/60 before GB.329/PFA/1/120), the original before its (Rev.) and (Add.).
    Remembered: the Papers page orders every paper by it on each run (10,000 at the design point,
    tens of milliseconds of parsing), and a symbol always sorts the same."""
    try:
        symbol = parse_symbol(text)
    except ValidationError:
        return (1, 0, "", 0, 0, 0, str(text))
    kind, _, number = symbol.suffix.partition(".")
    return (0, symbol.session, symbol.section, symbol.item, symbol.sub_item or 0,
            ("", "Rev", "Add").index(kind) if kind in ("", "Rev", "Add") else 3, int(number or 0), "")


def record_order(record_id: str) -> tuple:
    """``symbol_order`` for any record named after its paper: a decision point ``GB.316/POL/5:D10``
    after ``…:D2``, each after its paper's earlier items; other ids after every symbol."""
    symbol, sep, rest = str(record_id).rpartition(":D")
    if sep and rest.isdigit():
        return symbol_order(symbol) + (int(rest),)
    return symbol_order(record_id) + (0,)
