"""The three-way merge (sstc_docs.diff.merge): what one side alone changed is always kept, and
only overlapping changes are reported as conflicts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sstc_docs.diff.merge import merge3, merge_values

TEXT = st.text(alphabet=st.sampled_from(list("ab c,.南合\n[^1]")), max_size=40)


@given(TEXT, TEXT)
@settings(max_examples=200, deadline=None)
def test_no_change_on_one_side_gives_the_other(base, other):
    assert merge3(base, base, other) == (other, [])
    assert merge3(base, other, base) == (other, [])
    assert merge3(base, other, other) == (other, [])


@given(st.integers(4, 30), st.data())
@settings(max_examples=200, deadline=None)
def test_disjoint_edits_are_both_kept(size, data):
    words = [f"w{i}" for i in range(size)]
    cut = data.draw(st.integers(1, size - 2))
    mine_at = data.draw(st.sets(st.integers(0, cut - 1), min_size=1))
    theirs_at = data.draw(st.sets(st.integers(cut + 1, size - 1), min_size=1))
    mine = [f"M{i}" if i in mine_at else w for i, w in enumerate(words)]
    theirs = [f"T{i}" if i in theirs_at else w for i, w in enumerate(words)]
    both = [f"M{i}" if i in mine_at else f"T{i}" if i in theirs_at else w for i, w in enumerate(words)]
    assert merge3(" ".join(words), " ".join(mine), " ".join(theirs)) == (" ".join(both), [])


@given(TEXT, TEXT, TEXT)
@settings(max_examples=200, deadline=None)
def test_merging_is_symmetric_outside_conflicts(base, mine, theirs):
    merged, conflicts = merge3(base, mine, theirs)
    if not conflicts:
        assert merge3(base, theirs, mine) == (merged, [])


def test_overlapping_words_are_a_conflict_with_mine_kept_meanwhile():
    merged, conflicts = merge3("the quick brown fox", "the slow brown fox", "the fast brown fox")
    assert merged == "the slow brown fox"
    assert [(c.base, c.mine, c.theirs) for c in conflicts] == [("quick", "slow", "fast")]


def test_chinese_merges_character_by_character():
    assert merge3("南南合作的方式", "南南合作的新方式", "南南和三方合作的方式") == ("南南和三方合作的新方式", [])


def test_records_merge_field_by_field_and_paragraphs_word_by_word():
    base = {"title": "T", "body": [{"text": "one two three"}, {"text": "p"}]}
    mine = {"title": "My T", "body": [{"text": "ONE two three"}, {"text": "p"}]}
    theirs = {"title": "T", "body": [{"text": "one two THREE"}, {"text": "p"}, {"text": "added"}]}
    merged, conflicts = merge_values(base, mine, theirs)
    assert merged == {"title": "My T", "body": [{"text": "ONE two THREE"}, {"text": "p"}, {"text": "added"}]}
    assert conflicts == []


def test_record_conflict_names_the_field_and_keeps_both_texts():
    base = {"body": [{"text": "one two"}]}
    merged, conflicts = merge_values(base, {"body": [{"text": "one mine"}]}, {"body": [{"text": "one theirs"}]})
    assert merged == {"body": [{"text": "one mine"}]}
    assert [(c.path, c.mine, c.theirs) for c in conflicts] == [("body[0].text", "one mine", "one theirs")]


def test_a_field_removed_on_one_side_stays_removed():
    merged, conflicts = merge_values({"a": 1, "b": 2}, {"a": 1}, {"a": 3, "b": 2})
    assert (merged, conflicts) == ({"a": 3}, [])
