"""What a paragraph's style and numbering mean, resolved the way Word resolves them.

Papers this project did not write mark structure in many ways: a "heading 2" style, an outline
level, a Word list (w:numPr on the paragraph or inherited from its style), bold or larger type
typed over "Normal". ``StyleSheet`` follows basedOn chains once per style; ``Numbering`` says what
a (numId, ilvl) prints — decimal "1.", a letter "(a)", a bullet — so the reader can tell paragraph
numbers from other lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..oxml import qn

_VAL = qn("w:val")
_HEADING_NAME = re.compile(r"^(heading|标题)\s*(\d)$", re.IGNORECASE)


def on(node) -> bool:
    """A w:b / w:i toggle: present and not switched off."""
    return node is not None and node.get(_VAL, "true") not in ("0", "false", "off", "none")


@dataclass(frozen=True)
class StyleInfo:
    name: str
    num: tuple[str, str] | None       # (numId, ilvl) the style numbers with
    outline: int | None               # 0 = top level heading
    bold: bool
    size: int | None                  # half-points


class StyleSheet:
    def __init__(self, root=None):
        self._raw: dict[str, object] = {}
        self._resolved: dict[str, StyleInfo] = {}
        self.default_paragraph = ""
        self.default_size = 22
        if root is None:
            return
        defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        if defaults is not None and (defaults.get(_VAL) or "").isdigit():
            self.default_size = int(defaults.get(_VAL))
        for style in root.iter(qn("w:style")):
            style_id = style.get(qn("w:styleId"), "")
            self._raw[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                self.default_paragraph = style_id
        normal = self.info(self.default_paragraph)
        if normal.size:
            self.default_size = normal.size

    def info(self, style_id: str) -> StyleInfo:
        if style_id in self._resolved:
            return self._resolved[style_id]
        chain, seen, current = [], set(), style_id
        while current and current in self._raw and current not in seen:
            seen.add(current)
            chain.append(self._raw[current])
            based = chain[-1].find(qn("w:basedOn"))
            current = based.get(_VAL) if based is not None else ""
        name_node = chain[0].find(qn("w:name")) if chain else None
        name = name_node.get(_VAL, "") if name_node is not None else style_id
        num = outline = size = None
        bold = False
        for style in reversed(chain):          # the base first, each child overriding
            ppr, rpr = style.find(qn("w:pPr")), style.find(qn("w:rPr"))
            if ppr is not None:
                numpr = ppr.find(qn("w:numPr"))
                if numpr is not None:
                    num_id, ilvl = numpr.find(qn("w:numId")), numpr.find(qn("w:ilvl"))
                    num = ((num_id.get(_VAL) if num_id is not None else (num or ("", ""))[0]),
                           ilvl.get(_VAL, "0") if ilvl is not None else "0")
                level = ppr.find(qn("w:outlineLvl"))
                if level is not None and (level.get(_VAL) or "").isdigit():
                    outline = int(level.get(_VAL)) if int(level.get(_VAL)) < 9 else None
            if rpr is not None:
                b = rpr.find(qn("w:b"))
                if b is not None:
                    bold = on(b)
                sz = rpr.find(qn("w:sz"))
                if sz is not None and (sz.get(_VAL) or "").isdigit():
                    size = int(sz.get(_VAL))
        match = _HEADING_NAME.match(name.strip())
        if match and outline is None:
            outline = int(match.group(2)) - 1
        info = StyleInfo(name, num, outline, bold, size)
        self._resolved[style_id] = info
        return info


class Numbering:
    """numId → abstractNum levels: the number format each level prints."""

    def __init__(self, root=None):
        self._formats: dict[tuple[str, str], str] = {}
        if root is None:
            return
        abstract: dict[str, dict[str, str]] = {}
        for node in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in node.iter(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                levels[lvl.get(qn("w:ilvl"), "0")] = fmt.get(_VAL, "decimal") if fmt is not None else "decimal"
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in root.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(_VAL, "") if ref is not None else "", {}))
            for override in num.iter(qn("w:lvlOverride")):
                fmt = override.find(f"{qn('w:lvl')}/{qn('w:numFmt')}")
                if fmt is not None:
                    levels[override.get(qn("w:ilvl"), "0")] = fmt.get(_VAL, "decimal")
            for ilvl, fmt in levels.items():
                self._formats[(num.get(qn("w:numId"), ""), ilvl)] = fmt

    def format(self, num_id: str, ilvl: str = "0") -> str:
        """'decimal', 'lowerLetter', 'bullet' …; '' when the paragraph is not in a list."""
        if not num_id or num_id == "0":
            return ""
        return self._formats.get((num_id, ilvl), "decimal")
