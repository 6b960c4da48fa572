"""The analyser, the query reader and snippets, without a store: what terms text becomes."""

from __future__ import annotations

import pytest

from sstc_docs.errors import ValidationError
from sstc_docs.search.analyser import CHARS, MAIN, analyse
from sstc_docs.search.fts5 import match_expression
from sstc_docs.search.query import parse_query
from sstc_docs.search.snippets import cut, hits_in


def main_terms(text: str, language: str = "en") -> list[str]:
    return [t.text for t in analyse(text, language) if t.stream == MAIN]


def char_terms(text: str) -> list[str]:
    return [t.text for t in analyse(text) if t.stream == CHARS]


def test_chinese_runs_give_bigrams_in_order_and_every_character():
    assert main_terms("业务守则") == ["业务", "务守", "守则"]
    assert char_terms("业务守则") == ["业", "务", "守", "则"]
    assert main_terms("年") == ["年"] and char_terms("年") == ["年"]


def test_japanese_and_korean_are_cut_the_same_way():
    assert main_terms("指標です") == ["指標", "標で", "です"]
    assert main_terms("협력") == ["협력"]


def test_mixed_text_gives_words_and_bigrams_with_their_spans():
    text = "2012年3月份 GB.313/POL/7 理事会"
    assert main_terms(text) == ["2012", "年", "3", "月份", "gb", "313", "pol", "7", "理事", "事会"]
    for term in analyse(text):
        if term.stream == MAIN and term.text.isascii():
            assert text[term.start:term.end].casefold() == term.text


def test_english_french_and_spanish_words_are_stemmed_and_unaccented():
    assert main_terms("approves approved approving", "en") == ["approv"] * 3
    assert main_terms("Indicators INDICATOR", "zh") == ["indic", "indic"]  # Latin words of a Chinese paper
    assert main_terms("développement développements", "fr") == ["developp", "developp"]
    assert main_terms("indicadores indicador", "es") == ["indic", "indic"]
    assert main_terms("２０１２ ＧＢ") == ["2012", "gb"]  # full width folds to ASCII


def test_a_query_word_is_looked_for_under_every_stemmer():
    clause = parse_query("indicators").clauses[0]
    assert {v.terms for v in clause.variants} >= {("indic",)}
    assert len(clause.variants) == len(set(clause.variants))


def test_a_single_character_query_looks_in_the_character_stream():
    assert match_expression(parse_query("指")) == 'chars : "指"'
    assert match_expression(parse_query("业务守则")) == '{title body} : "业务 务守 守则"'


def test_a_lone_character_ending_a_phrase_may_start_a_longer_word():
    expression = match_expression(parse_query("2012年"))
    assert expression == '{title body} : "2012 年" *'
    assert hits_in("2012年度报告", "en", parse_query("2012年"))[0] == [(0, 6)]


def test_quotes_minus_and_syntax_words_are_read_safely():
    query = parse_query('"revised indicator" -retired NEAR')
    assert [(c.text, c.excluded) for c in query.clauses] == [("revised indicator", False), ("retired", True),
                                                            ("NEAR", False)]
    assert " NOT " in match_expression(query) and '"near"' in match_expression(query)
    with pytest.raises(ValidationError):
        parse_query('"" ...')
    with pytest.raises(ValidationError):
        parse_query("指标 " * 200)


def test_hits_are_found_in_the_original_text_and_merged():
    spans, clauses = hits_in("The Governing Body approves the revised indicators.", "en",
                             parse_query("approve indicator"))
    assert clauses == 2
    assert spans == [(19, 27), (40, 50)]


def test_a_snippet_cuts_around_the_first_hit_with_ellipses():
    text = "word " * 60 + "target here " + "word " * 60
    start = text.index("target")
    snippet = cut("paragraph 1", text, [(start, start + 6)])
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert [snippet.text[s:e] for s, e in snippet.hits] == ["target"]
    assert "«target»" in snippet.marked()
