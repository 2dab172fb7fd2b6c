"""Regenerate docs/annotate.svg: the annotate screen on the seed article with a few spans.

    python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.importing import import_sources  # noqa: E402
from annotator.schema import load_scheme  # noqa: E402
from annotator.session import Session  # noqa: E402
from annotator.store import open_store  # noqa: E402
from annotator.tui.app import build_app  # noqa: E402

SPANS = [  # (text, occurrence, label, attrs)
    ("La coalition internationale", 0, "ACTOR", {"kind": "coalition"}),
    ("Etats-Unis", 0, "ACTOR", {"kind": "state"}),
    ("Daech", 0, "ACTOR", {"kind": "armed_group"}),
    ("La coalition qui compte 75 membres reste engagée en faveur de la stabilité en Irak pour l'étape de l'après Daech", 0, "QUOTE", {"mode": "direct"}),
    ("La coalition", 1, "ACTOR", {"kind": "coalition"}),
    ("75 membres", 0, "QUANTITY", {"value": 75, "unit": "membres"}),
    ("Daech", 2, "ACTOR", {"kind": "armed_group"}),
    ("Brett Mc Gurk", 0, "ACTOR", {"kind": "person"}),
    ("juin 2014", 0, "DATE", {"value": "2014-06"}),
    ("août 2014", 0, "DATE", {"value": "2014-08"}),
    ("mars 2018", 0, "DATE", {"value": "2018-03"}),
    ("29.307 raids aériens", 0, "QUANTITY", {"value": 29307, "unit": "raids aériens"}),
]


def find(text: str, needle: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at


async def main(out: Path) -> None:
    scheme = load_scheme(ROOT / "schemas" / "news.toml")
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "shot.db")
        import_sources(store, [ROOT / "seeds"], scheme, "alice")
        doc_id = store.documents("alice")[0].id
        session = Session(store, scheme, "alice")
        text = session.record(doc_id).text
        ids = {}
        for needle, occ, label, attrs in SPANS:
            start = find(text, needle, occ)
            change = session.add_span(doc_id, start, start + len(needle), label, attrs)
            ids[(needle, occ)] = next(op["span"]["id"] for op in change.ops if op["op"] == "add_span")
        quote = ids[(SPANS[3][0], 0)]
        session.set_attrs(doc_id, quote, {"mode": "direct", "speaker": ids[("Brett Mc Gurk", 0)]})
        app = build_app(store, scheme, "alice", doc_id)
        async with app.run_test(size=(130, 36)) as pilot:
            await pilot.pause()
            app.screen.focus_span(quote)
            app.screen.view.move_cursor(find(text, "29.307", 0))
            await pilot.pause()
            out.write_text(app.export_screenshot(title="annotator"), encoding="utf-8")
        store.close()


if __name__ == "__main__":
    target = ROOT / "docs" / "annotate.svg"
    asyncio.run(main(target))
    print(f"wrote {target}")
