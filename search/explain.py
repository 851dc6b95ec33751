"""Explain: a hit's score breakdown as text or as a JSON-ready record."""
from __future__ import annotations

from .rank import Explanation, Hit


def explanation_record(explanation: Explanation) -> dict:
    return {"total": round(explanation.total, 4), "proximity": round(explanation.proximity, 4),
            "semantic": round(explanation.semantic, 4),
            "phrase_matches": explanation.phrases,
            "terms": [{"term": c.term, "origin": c.origin, "weight": c.weight, "score": round(c.score, 4),
                       "frequencies": dict(c.frequencies)} for c in explanation.contributions]}


def explanation_text(hit: Hit) -> str:
    """Lines saying how the hit's score adds up: each term, then proximity and meaning."""
    found = hit.explanation
    if found is None:
        return ""
    lines = [f"{hit.rank:>2}. {hit.article_id} #{hit.position}  score {found.total:.3f}"]
    for part in found.contributions:
        where = ", ".join(f"{name} x{n}" for name, n in part.frequencies) or "-"
        lines.append(f"      {part.score:7.3f}  {part.term:<18} {part.origin:<8} weight {part.weight:<6g} in {where}")
    if found.proximity:
        lines.append(f"      {found.proximity:7.3f}  (proximity of the query's words)")
    if found.semantic:
        lines.append(f"      {found.semantic:7.3f}  (closeness in meaning to the query)")
    if found.phrases:
        lines.append(f"               quoted phrase found {found.phrases} time(s)")
    return "\n".join(lines)
