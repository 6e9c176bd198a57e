"""The pool as plain data (what `briefing pool --json` prints)."""

from __future__ import annotations

from briefing.models import Pool


def pool_to_dict(pool: Pool) -> dict:
    """The pool as plain data (what `briefing pool --json` prints)."""
    labels = {a.id: a.label for a in pool.articles}
    return {
        "articles": [
            {
                "id": a.id,
                "file": a.label,
                "outlet": a.outlet,
                "title": a.title,
                "date": a.date,
                "family": pool.families.get(a.id, a.id),
            }
            for a in pool.articles
        ],
        "facts": [
            {
                "id": f.id,
                "text": f.text,
                "members": [
                    {"article": m.article_id, "file": labels.get(m.article_id, ""), "text": m.text}
                    for m in f.members
                ],
                "articles": list(f.articles),
                "origins": list(f.origins),
                "related": list(f.related),
                "support": list(f.support),  # facts of other articles carrying its claim
            }
            for f in pool.facts
        ],
    }
