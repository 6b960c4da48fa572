"""An English session for the session tests: the 347th (13–23 March 2023) with papers whose
decision points end every way a decision can — adopted with parts, adopted as amended (a revised
sub-item paper), deferred, withdrawn — and a paper for debate without one."""

from __future__ import annotations

from sstc_docs.services.papers import blank_paper

WHY = "Session test data"
OPENING, CLOSING = "2023-03-13", "2023-03-23"


def paper(services, symbol: str, title: str, paragraphs: int, *, action: str = "decision") -> str:
    data = blank_paper(symbol, title)
    data.update(action=action, date="2023-02-20", body=[
        {"type": "paragraph", "numbered": True, "text": f"Paragraph {n} of {symbol}."} for n in range(1, paragraphs + 1)])
    return services.papers.create(data, why=WHY).id


def decide(services, paper_id: str, text: str, parts: list[str], to: str, **outcome) -> str:
    """A decision point taken through review and submission to ``to``, its paper issued first."""
    decision = services.decisions.create(paper_id, text=text, parts=parts, why=WHY)
    for step in ("in_review", "submitted"):
        latest = services.records.get("decision", decision.id)
        services.decisions.move(decision.id, step, why=WHY, base_version=latest.version)
    issue(services, paper_id)
    if to != "submitted":
        latest = services.records.get("decision", decision.id)
        services.decisions.move(decision.id, to, why=WHY, base_version=latest.version, **outcome)
    return decision.id


def issue(services, paper_id: str) -> None:
    latest = services.records.get("paper", paper_id)
    if latest.data["status"] == "draft":
        services.papers.update(paper_id, dict(latest.data, status="issued"), why="Issued",
                               base_version=latest.version)


def build(services) -> dict:
    """The session and its papers; returns the ids the tests look at."""
    strategy = paper(services, "GB.347/POL/2", "Strategy on decent work in supply chains", 5)
    amended = paper(services, "GB.347/POL/3/1(Rev.1)", "Follow-up to the resolution on social dialogue", 5)
    debate = paper(services, "GB.347/POL/4", "Update on the Global Coalition for Social Justice", 3, action="debate")
    deferred = paper(services, "GB.347/INS/5", "Proposals for a new meeting structure", 2)
    withdrawn = paper(services, "GB.347/INS/6", "Report of the Working Party", 2)
    services.sessions.save({"number": 347, "place": "Geneva", "opening": OPENING, "closing": CLOSING, "sections": [
        {"code": "POL", "segments": ["Employment and Social Protection Segment", "Social Dialogue Segment"], "items": [
            {"number": 2, "title": "Strategy on decent work in supply chains", "papers": [strategy],
             "segment": "Employment and Social Protection Segment"},
            {"number": 3, "sub_item": 1, "title": "Follow-up to the resolution on social dialogue",
             "papers": [amended], "segment": "Social Dialogue Segment"},
            {"number": 4, "title": "Update on the Global Coalition for Social Justice", "papers": [debate],
             "outcome": "The Governing Body took note of the update and provided guidance."}]},
        {"code": "INS", "items": [
            {"number": 5, "title": "Proposals for a new meeting structure", "papers": [deferred]},
            {"number": 6, "title": "Report of the Working Party", "papers": [withdrawn]}]}]},
        why=WHY, base_version=None)
    ids = {"strategy": strategy, "amended": amended, "debate": debate, "deferred": deferred, "withdrawn": withdrawn}
    ids["strategy_decision"] = decide(
        services, strategy, "The Governing Body:", ["approves the strategy", "requests the Office to report in 2025"],
        "adopted", adopted_on="2023-03-20")
    ids["amended_decision"] = decide(
        services, amended, "The Governing Body requests the Director-General to take the plan into account.", [],
        "adopted_as_amended", adopted_on="2023-03-21", amendment="'fully' inserted before 'into account'",
        adopted_text={"text": "The Governing Body requests the Director-General to take the plan fully into account.",
                      "parts": []})
    ids["deferred_decision"] = decide(services, deferred, "The Governing Body approves the proposals.", [],
                                      "deferred", deferred_to=349)
    ids["withdrawn_decision"] = decide(services, withdrawn, "The Governing Body endorses the report.", [],
                                       "withdrawn")
    issue(services, debate)
    return ids
