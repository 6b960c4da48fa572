"""Records whose every text field holds Markdown, Streamlit markup, LaTeX, HTML and an image from
an address of the test's choosing, saved through the services on top of the demo. Shared by the
AppTest (tests/test_app_literal.py) and the browser test (tests/browser/test_literal_journey.py)."""

from __future__ import annotations

import copy

from people import person
from revisions import start_revision
from sstc_docs import demo as seed


def hostile(address: str) -> str:
    """The text planted everywhere: each piece would render as markup if it reached Markdown or HTML."""
    return f"![]({address}) **x** :red[x] $x$ <b>h</b>"


# Added to the notes of the evidence and to the paper's purpose and first paragraph: what Markdown
# makes of a line's start (heading, lists, indented code), and what Streamlit and GFM rewrite in the
# text itself (icon, emoji and logo shortcodes, bare addresses made links, arrows).
LINES = "\n# hd1\n- li1\n1. ol1\n\n    cd1\n"
REWRITTEN = ":material/home: :smile: :streamlit: www.example.com a@b.org http://example.com a -> b"
EXTRA = LINES + REWRITTEN


def plant(services, address: str) -> dict[str, str]:
    """Save versions of the demo records with ``hostile(address)`` in every field people type, and
    with it as the author and the reason. Returns the ids of what was added."""
    text = hostile(address)
    services = services.acting_as(person("eve", f"Eve {text}"))
    who = dict(why=text)

    start_revision(services, why=text)  # the demo's paper is issued: what follows goes into its revision
    decision = services.decisions.create(seed.PAPER_ID, text=text, parts=[text, text], **who)

    strategy = services.records.get("strategy", seed.STRATEGY_ID)
    data = copy.deepcopy(strategy.data)
    data["title"] = text
    for outcome in data["outcomes"]:
        outcome["statement"] = f"{outcome['statement']} {text}"
    services.records.save("strategy", data, base_version=strategy.version, **who)

    indicator = services.records.get("indicator", seed.IND_PARTNERSHIPS)
    services.frameworks.propose_revision(seed.IND_PARTNERSHIPS, kind="revised",
                                         new={"text": text, "baseline": text, "target": text}, reason=text,
                                         decision_id=decision.id, base_version=indicator.version, **who)
    added = services.frameworks.add_indicator(seed.STRATEGY_ID, 1, {"label": "", "text": text, "baseline": text,
                                                                    "target": text, "unit": text},
                                              reason=text, **who)

    evidence = services.evidence.register(
        {"kind": "report", "title": text, "date": "2012-11-01", "source": text, "reference": text,
         "url": f"{address}?link", "reliability": "reported", "notes": text + EXTRA,
         "links": {"indicators": [{"id": added.id, "value": 1, "period": ""}], "decisions": [decision.id],
                   "papers": [seed.PAPER_ID]}},
        file=("notes.txt", b"evidence", "text/plain"), **who)

    # The paper last, so that its latest change is this text: "\r\r" inside a paragraph would end the
    # diff view's HTML block early if a line ending got through.
    paper = services.records.get("paper", seed.PAPER_ID)
    data = copy.deepcopy(paper.data)
    data["title"] = text
    data["symbol_note"] = text
    data["front_matter"] = {key: text for key in data["front_matter"]}
    data["front_matter"]["purpose"] += EXTRA
    for block in data["body"]:
        block["text"] = text if block["type"] == "heading" else f"{block['text']} {text}\r\r{text}"
        for note in block.get("footnotes", []):
            note["text"] = f"{note['text']} {text}"
    data["body"][0]["text"] += EXTRA
    services.papers.update(seed.PAPER_ID, data, base_version=paper.version, **who)
    return {"decision": decision.id, "indicator": added.id, "evidence": evidence.id}
