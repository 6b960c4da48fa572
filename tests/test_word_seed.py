"""The seed paper (GB.316/POL/5, Chinese) exported and read back from the zip with lxml."""

from __future__ import annotations

import io

import docx as python_docx
import pytest
from seed_text import missing_sentences, squash
from lxml import etree
from test_word_support import (Docx, all_text, body_texts, footnote_elements, footnote_texts, in_table,
                               numbered_paragraphs, paragraph_text, paragraphs, q, reference_ids, style_element,
                               table_style)

from sstc_docs import demo
from sstc_docs.domain.bundle import demo_bundle
from sstc_docs.word import export_docx

FOOTNOTES = ["理事会文件 GB.313/PV，第 401 段。", f"可从下列网址获取：{demo.SOURCE_URL}。",
             "理事会文件 GB.313/POL/7，第 10 段。", "同上。"]
# each note's reference follows this sentence, in the paragraph that carries it
ANCHORS = ["并且要求细化两个成果指标。", "业务守则框架的秘书长的说明。", "筹集资源进一步拓展这一举措。",
           "地区和国家办事处的参与也是至关重要的。"]


@pytest.fixture(scope="module")
def seed() -> Docx:
    return Docx(export_docx(demo_bundle()))


def test_every_sentence_of_the_seed_is_in_the_document(seed):
    assert missing_sentences(all_text(seed)) == []


def test_four_real_footnotes_in_order_with_separators(seed):
    notes = seed.footnotes
    kinds = {n.get(q("w:id")): n.get(q("w:type")) for n in notes.findall(q("w:footnote"))}
    assert kinds["-1"] == "separator" and kinds["0"] == "continuationSeparator"
    assert len(footnote_elements(notes)) == 4
    assert list(footnote_texts(seed).values()) == FOOTNOTES
    assert list(footnote_texts(seed)) == [1, 2, 3, 4]
    # the part is wired: relationship from document.xml and a content-type override
    assert seed.part_for("footnotes") == ["word/footnotes.xml"]
    assert seed.content_types()["/word/footnotes.xml"].endswith("wordprocessingml.footnotes+xml")
    # each note starts with the footnoteRef mark in the Footnote Reference style
    names = seed.style_names()
    for note in footnote_elements(notes):
        first = note.find(f"{q('w:p')}/{q('w:r')}")
        assert first.find(q("w:footnoteRef")) is not None
        assert names[first.find(f"{q('w:rPr')}/{q('w:rStyle')}").get(q("w:val"))] == "footnote reference"
        assert names[note.find(f"{q('w:p')}/{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))] == "footnote text"


def test_references_sit_after_the_right_sentence(seed):
    document = seed.document
    assert reference_ids(document) == [1, 2, 3, 4]
    for note_id, anchor in zip([1, 2, 3, 4], ANCHORS):
        reference = next(r for r in document.iter(q("w:footnoteReference")) if r.get(q("w:id")) == str(note_id))
        run = reference.getparent()
        paragraph = next(run.iterancestors(q("w:p")))
        before = []
        for node in paragraph.iter(q("w:t"), q("w:footnoteReference")):
            if node is reference:
                break
            before.append(node.text or "")
        assert "".join(before).endswith(anchor), (note_id, "".join(before)[-30:])
        # a real reference run, in the superscript Footnote Reference style, not a typed digit
        style = run.find(f"{q('w:rPr')}/{q('w:rStyle')}").get(q("w:val"))
        assert seed.style_names()[style] == "footnote reference"
    styles = seed.styles()
    ref_style = next(s for s in styles.findall(q("w:style"))
                     if s.find(q("w:name")).get(q("w:val")) == "footnote reference")
    assert ref_style.find(f"{q('w:rPr')}/{q('w:vertAlign')}").get(q("w:val")) == "superscript"
    # no digits typed into the text where the notes are
    assert "指标。1" not in squash("".join(body_texts(document)))


def test_footnote_url_is_a_live_hyperlink(seed):
    note = next(n for n in footnote_elements(seed.footnotes) if n.get(q("w:id")) == "2")
    links = list(note.iter(q("w:hyperlink")))
    assert len(links) == 1
    assert paragraph_text(links[0]) == demo.SOURCE_URL
    rel = seed.rels("word/footnotes.xml")[links[0].get(q("r:id"))]
    assert rel == ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                   demo.SOURCE_URL, "External")
    assert seed.style_names()[links[0].find(f"{q('w:r')}/{q('w:rPr')}/{q('w:rStyle')}").get(q("w:val"))] == \
        "Hyperlink"


def test_paragraph_numbers_one_to_four_with_the_decision_fourth(seed):
    numbered = numbered_paragraphs(seed)
    assert [n for n, _, _ in numbered] == [1, 2, 3, 4]
    assert numbered[0][1].startswith("2012 年 3 月，理事会根据")
    assert numbered[2][1].startswith("成果 1 和成果 2 的行文")
    number, text, paragraph = numbered[3]
    assert text == demo.DECISION["text"]
    assert in_table(paragraph)                                   # set off in a box
    table = next(paragraph.iterancestors(q("w:tbl")))
    style = table.find(f"{q('w:tblPr')}/{q('w:tblStyle')}").get(q("w:val"))
    assert seed.style_names()[style] == "Decision Box"
    heading = table.getprevious()
    assert paragraph_text(heading) == "决定草案"
    assert seed.style_names()[heading.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))] == "heading 1"
    # unnumbered: the outcome narratives and headings
    texts = [t for _, t, _ in numbered]
    assert not any(t.startswith("加大对 2011 年") for t in texts)


def test_cover_block_and_front_matter_in_order(seed):
    texts = body_texts(seed.document)
    # the seed prints no date; the demo assumes one, as a paper is not issued without it (demo.PAPER)
    assert texts[:9] == ["国际劳工局\tGB.316/POL/5", "理事会", "第 316 届会议，2012 年 11 月 1–16 日，日内瓦",
                         "政策制定部分\tPOL", "\t日期：2012 年 10 月 1 日", "\t原文：英文", "第五项议程", "供决定",
                         "南南合作和三角形合作：前进的方向——\n2012 年 3 月份通过的战略的已修订的指标"]
    front = texts[9:19]
    assert front == [
        "文件的目的是", demo.PAPER["front_matter"]["purpose"],
        "相关的战略目标：" + demo.PAPER["front_matter"]["strategic_objective"],
        "政策影响：无。", "法律影响：无。", "财政影响：无。", "需采取的后续行动：无。",
        "作者单位：伙伴关系和发展合作司(PARDEV)。", "相关文件：理事会文件 GB.313/PLO/7。", ""]
    assert texts[19].startswith("2012 年 3 月")   # the body follows, after a spacer below the frame
    assert "主要相关成果：" not in "".join(texts)     # an optional entry the seed does not have


def test_front_matter_is_one_frame_inside_the_margins(seed):
    purpose = next(p for p in paragraphs(seed.document) if paragraph_text(p) == "文件的目的是")
    frame = next(purpose.iterancestors(q("w:tbl")))
    assert table_style(seed, frame) == "Front Matter Box"
    framed = [paragraph_text(p) for p in frame.iter(q("w:p"))]
    assert framed[0] == "文件的目的是" and framed[-1] == "相关文件：理事会文件 GB.313/PLO/7。" and len(framed) == 9
    assert len(frame.findall(q("w:tr"))) == 1 and len(frame.findall(f"{q('w:tr')}/{q('w:tc')}")) == 1
    # a table as wide as the text, not indented outwards; no paragraph borders that draw in the margin
    width = frame.find(f"{q('w:tblPr')}/{q('w:tblW')}")
    assert (width.get(q("w:w")), width.get(q("w:type"))) == ("5000", "pct")
    assert frame.find(f"{q('w:tblPr')}/{q('w:tblInd')}") is None
    assert sum(int(c.get(q("w:w"))) for c in frame.iter(q("w:gridCol"))) <= 11906 - 2 * 1418
    assert not list(seed.document.iter(q("w:pBdr")))
    assert not any(s.find(f"{q('w:pPr')}/{q('w:pBdr')}") is not None for s in seed.styles().findall(q("w:style"))
                   if s.get(q("w:styleId")) in {p.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))
                                                for p in frame.iter(q("w:p"))})
    borders = style_element(seed, "Front Matter Box").find(f"{q('w:tblPr')}/{q('w:tblBorders')}")
    assert {etree.QName(b).localname for b in borders} >= {"top", "left", "bottom", "right"}


def test_results_framework_tables(seed):
    tables = [t for t in seed.document.iter(q("w:tbl"))
              if seed.style_names()[t.find(f"{q('w:tblPr')}/{q('w:tblStyle')}").get(q("w:val"))] == "Framework Table"]
    assert len(tables) == 2
    rows = [[[paragraph_text(c) for c in tr.findall(q("w:tc"))] for tr in t.findall(q("w:tr"))] for t in tables]
    assert [r[0] for r in rows[0]] == ["指标：", "基线：", "目标：", "新的指标(A)：", "基线：", "目标：",
                                       "新的指标(B)：", "基线：", "目标："]
    assert [r[0] for r in rows[1]] == ["指标：", "基线：", "目标：", "修订的指标：", "修订的基线：", "修订的目标："]
    assert rows[0][1][1] == "在过去的两年期举行五次会议。"
    assert rows[1][5][1] == "每年签署并实施五个新的伙伴关系。"
    # the bold outcome label + statement before each table, then the narrative with its note
    before = tables[0].getprevious().getprevious()
    label_run = before.find(q("w:r"))
    assert paragraph_text(label_run) == "成果 1："
    assert seed.style_names()[label_run.find(f"{q('w:rPr')}/{q('w:rStyle')}").get(q("w:val"))] == "Label"
    assert paragraph_text(before) == "成果 1：" + demo.OUTCOME_1


def test_east_asian_font_and_language_on_every_run(seed):
    """Every run names SimSun (宋体), the font Word users have, in the East Asian slot."""
    for part in (seed.document, seed.footnotes):
        runs = [r for r in part.iter(q("w:r")) if r.find(q("w:t")) is not None]
        assert runs
        for run in runs:
            fonts = run.find(f"{q('w:rPr')}/{q('w:rFonts')}")
            assert fonts is not None and fonts.get(q("w:eastAsia")) == "SimSun"
            assert run.find(f"{q('w:rPr')}/{q('w:lang')}").get(q("w:eastAsia")) == "zh-CN"
    defaults = seed.styles().find(f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}/{q('w:rFonts')}")
    assert defaults.get(q("w:eastAsia")) == "SimSun"
    assert defaults.get(q("w:ascii")) == "Times New Roman"
    # the font table describes SimSun (GB2312 charset, panose) and names the free font standing in for it
    entry = next(f for f in seed.xml("word/fontTable.xml") if f.get(q("w:name")) == "SimSun")
    assert entry.find(q("w:altName")).get(q("w:val")) == "Noto Serif CJK SC"
    assert entry.find(q("w:charset")).get(q("w:val")) == "86"
    assert entry.find(q("w:panose1")).get(q("w:val")) == "02010600030101010101"


def test_title_keeps_its_line_break(seed):
    title = next(p for p in paragraphs(seed.document) if paragraph_text(p).startswith("南南合作和三角形合作：前进"))
    assert len(list(title.iter(q("w:br")))) == 1
    assert seed.style_names()[title.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val"))] == "Title"


def test_header_footer_and_properties(seed):
    headers = seed.part_for("header")
    assert headers and any("GB.316/POL/5" in "".join(body_texts(seed.xml(h))) for h in headers)
    footers = seed.part_for("footer")
    assert any("PAGE" in "".join(i.text for i in seed.xml(f).iter(q("w:instrText"))) for f in footers)
    core = seed.core()
    assert core["title"] == "南南合作和三角形合作：前进的方向—— 2012 年 3 月份通过的战略的已修订的指标"
    assert core["subject"] == "GB.316/POL/5"
    custom = seed.custom_properties()
    assert custom["sstc.paper_id"] == "GB.316/POL/5"
    assert custom["sstc.paper_version"] == "1"
    assert custom["sstc.decision:GB.316/POL/5:D1"] == "1"
    assert "paper:GB.316/POL/5@1" in custom["sstc.sources"]
    assert seed.content_types()["/docProps/custom.xml"].endswith("custom-properties+xml")


def test_sources_name_every_record_version():
    bundle = demo_bundle()
    bundle.sources = {"strategy:SSTC-2012": 2, "indicator:SSTC-2012/O2/I1": 2}
    custom = Docx(export_docx(bundle)).custom_properties()
    assert custom["sstc.source:strategy:SSTC-2012"] == "2"
    assert custom["sstc.source:indicator:SSTC-2012/O2/I1"] == "2"
    assert "strategy:SSTC-2012@2" in custom["sstc.sources"]


def test_same_bundle_same_bytes_and_python_docx_opens_it(seed):
    assert export_docx(demo_bundle()) == seed.data
    document = python_docx.Document(io.BytesIO(seed.data))
    assert document.paragraphs[6].text == "第五项议程"
    assert document.sections[0].page_width == 11906 * 635   # A4, in EMU
