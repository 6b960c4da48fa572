"""Run properties for text that may be Chinese: the East Asian font slot and language.

Word picks a run's font per script: w:ascii/w:hAnsi for Latin, w:eastAsia for CJK. A run that
leaves w:eastAsia unset falls back to whatever the machine's defaults say, which is how Chinese
ends up in a Latin font's fallback. So every run the writer makes names the East Asian font, and
in a Chinese paper also says its language is zh-CN (w:lang w:eastAsia) and hints eastAsia so
ambiguous characters (quotes, dashes) take the Chinese font.

The font named is SimSun (宋体), which every Chinese-capable Windows and Mac Word has. The font
table gives it Noto Serif CJK SC as its alternative name, and describes it (panose, charset
GB2312, roman family) so that a machine without SimSun — LibreOffice on a Linux server — picks a
Chinese serif it has rather than a Latin font.
"""

from __future__ import annotations

from lxml import etree

from . import qn, w

DEFAULT_EAST_ASIA = "SimSun"          # what the house template names in docDefaults and on every run
FALLBACK_EAST_ASIA = "SimSun"         # what runs name when a user template's defaults name no East Asian font
ALTERNATIVE_EAST_ASIA = "Noto Serif CJK SC"   # the free font that stands in where SimSun is missing
_R_STYLE, _R_FONTS, _LANG, _VAL = w("rStyle"), w("rFonts"), w("lang"), w("val")
_EAST_ASIA, _HINT, _B = w("eastAsia"), w("hint"), w("b")


class RunFonts:
    """Builds w:rPr for runs: optional character style, East Asian font, language.

    ``locale`` (zh-CN, fr-FR …) tags the text for proofing; for an East Asian paper it goes in the
    w:eastAsia slot and the run hints eastAsia, otherwise it is the run's w:val language.
    """

    __slots__ = ("font", "locale", "east_asian")

    def __init__(self, font: str, locale: str | None = None, east_asian: bool = False):
        self.font = font
        self.locale = locale
        self.east_asian = east_asian

    def rpr(self, run, style_id: str | None = None, bold: bool = False):
        """Append a w:rPr to ``run`` (children in schema order) and return it."""
        rpr = etree.SubElement(run, w("rPr"))
        if style_id:
            etree.SubElement(rpr, _R_STYLE).set(_VAL, style_id)
        fonts = etree.SubElement(rpr, _R_FONTS)
        fonts.set(_EAST_ASIA, self.font)
        if self.east_asian:
            fonts.set(_HINT, "eastAsia")
        if bold:
            etree.SubElement(rpr, _B)
        if self.locale:
            etree.SubElement(rpr, _LANG).set(_EAST_ASIA if self.east_asian else _VAL, self.locale)
        return rpr


def set_doc_defaults(styles_root, latin: str, east_asia: str, size_half_points: int = 22,
                     lang: str = "en-GB", east_asia_lang_tag: str = "zh-CN") -> None:
    """Write the document-wide default fonts (w:docDefaults), East Asian slot included."""
    defaults = styles_root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = etree.Element(qn("w:docDefaults"))
        styles_root.insert(0, defaults)
    for child in list(defaults):
        defaults.remove(child)
    rpr_default = etree.SubElement(defaults, qn("w:rPrDefault"))
    rpr = etree.SubElement(rpr_default, qn("w:rPr"))
    fonts = etree.SubElement(rpr, qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    etree.SubElement(rpr, qn("w:sz")).set(qn("w:val"), str(size_half_points))
    etree.SubElement(rpr, qn("w:szCs")).set(qn("w:val"), str(size_half_points))
    language = etree.SubElement(rpr, qn("w:lang"))
    language.set(qn("w:val"), lang)
    language.set(qn("w:eastAsia"), east_asia_lang_tag)
    language.set(qn("w:bidi"), "ar-SA")
    ppr_default = etree.SubElement(defaults, qn("w:pPrDefault"))
    ppr = etree.SubElement(ppr_default, qn("w:pPr"))
    spacing = etree.SubElement(ppr, qn("w:spacing"))
    spacing.set(qn("w:after"), "120")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


def doc_default_east_asia(styles_root) -> str | None:
    """The East Asian font the template's docDefaults name, if any."""
    fonts = styles_root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    if fonts is None:
        return None
    return fonts.get(qn("w:eastAsia"))


FONT_TABLE_ENTRIES = f"""
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>
  <w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="{DEFAULT_EAST_ASIA}"><w:altName w:val="{ALTERNATIVE_EAST_ASIA}"/>
  <w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/><w:family w:val="roman"/>
  <w:pitch w:val="variable"/></w:font>
"""
