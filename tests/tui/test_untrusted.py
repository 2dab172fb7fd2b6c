"""Article text, ids, labels and comments are untrusted: never markup, never control characters."""

from __future__ import annotations

import re

from tests.tui.helpers import make_app, screen_text, terminal_output

PAYLOADS = [
    "[bold]x[/bold]",
    "[@click=app.quit]CLICK ME[/]",
    "red \x1b[31mALERT\x1b[0m",
    "title \x1b]0;pwned\x07 clip \x1b]52;c;aGVsbG8=\x07",
    "csi8 \x9b31m c1 \x85 \x90",
    "bidi \u202eevil\u202c \u2066iso\u2069",
    "tab\there bell\x07 nul\x00 del\x7f",
    "crlf\r\nnext line\rcr only",
]
TEXT = "\n".join(PAYLOADS) + "\nfin."
DOC_ID = "[bold]id[/bold] [@click=app.quit]"

# What Textual itself writes: SGR styling and cursor positioning, nothing else.
LEGIT = re.compile(r"\x1b\[[0-9;:]*[mHJK]|\x1b\[\?[0-9;]*[hl]")


def _assert_clean(raw: str) -> None:
    rest = LEGIT.sub("", raw)
    assert "\x1b" not in rest, repr(rest[rest.index("\x1b") - 20: rest.index("\x1b") + 20])
    assert not re.search("[\x80-\x9f]", rest), "a C1 control reached the terminal"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", rest.replace("\r\n", "").replace("\r", "")), "a C0 control reached the terminal"
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", rest), "a bidi control reached the terminal"


async def test_payloads_render_literally_and_no_control_reaches_the_terminal(tmp_path):
    app, store = make_app(tmp_path / "s.db", docs=[(DOC_ID, TEXT)], seeds=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        # tag every payload line so spans, the list and the attribute panel show them too
        start = 0
        for line in PAYLOADS:
            screen.view.select(start, start + len(line.split("\r")[0]))
            await pilot.press("4")
            start += len(line) + 1
        await pilot.press("f", *"[b]flag[/b]", "enter")
        await pilot.pause()
        text = screen_text(app)
        raw = terminal_output(app)
        _assert_clean(raw)
        assert "[bold]x[/bold]" in text
        assert "[@click=app.quit]CLICK ME[/]" in text
        assert "[bold]id[/bold]" in text  # the header shows the id literally
        assert "␛[31mALERT" in text  # ESC shown as a visible glyph
        assert "␛]52;c;aGVsbG8=␇" in text
        # the stored text is untouched, offsets unchanged
        assert store.load(DOC_ID, "alice").text == TEXT
        assert all(TEXT[s["start"]:s["end"]] == s["text"] for s in store.load(DOC_ID, "alice").spans.values())
        # clicking the injected markup does not run app.quit
        await pilot.click("#article", offset=(4, 1))
        assert app.is_running
        # the help and document list screens stay clean too
        await pilot.press("g")
        await pilot.pause()
        _assert_clean(terminal_output(app))
        assert "[bold]id[/bold]" in screen_text(app)
    store.close()
