"""``annotator suggest`` without ``--out``, as a user runs it: the suggestions kept in the store as
pending suggestions, exactly those the annotate screen would compute and keep for itself."""

from __future__ import annotations

import os
import pty
import subprocess

import orjson
import pytest

from annotator.store import open_store
from annotator.store.base import SuggestionsRow
from annotator.suggest.kept import Suggesting, document_input
from annotator.suggest.pending import decode
from annotator.suggest.pipeline import SuggestOptions
from tests.conftest import ANNOTATOR, SCHEME_PATH, make_record
from tests.store.conftest import Backend

DATED = ("Le président Peter Mutharika a parlé mardi. « Les besoins sont immenses », a déclaré Lola Castro. "
         "Les pluies ont fait 56 morts. Plus tard, Lola Castro a rappelé que 11.500 maisons sont détruites.")
UNDATED = "Lola Castro est arrivée hier matin avec 3 camions."


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*ANNOTATOR, "suggest", *args, "--schema", str(SCHEME_PATH)], check=False,
                          capture_output=True, text=True, **kw)


def annotator_import(db: str, path) -> None:
    proc = subprocess.run([*ANNOTATOR, "import", str(path), "--db", db, "--schema", str(SCHEME_PATH)], check=False,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def fill(db: str, tmp_path, annotator: str) -> list[str]:
    """Four documents: d1 and d2 dated, d3 without a date; ``bob`` tagged Lola Castro as a person
    in d1 (the gazetteer proposes her everywhere); ``annotator`` tagged Peter Mutharika in d2."""
    i = DATED.index("Lola Castro")
    j = DATED.index("Peter Mutharika")
    lines = [
        make_record(DATED, [{"start": i, "end": i + 11, "label": "ACTOR", "attrs": {"kind": "person"}}], id="d1",
                    annotator="bob", meta={"date": "2019-03-07"}),
        make_record(DATED, [{"start": j, "end": j + 15, "label": "ACTOR", "attrs": {"kind": "person"}}], id="d2",
                    annotator=annotator, meta={"date": "2019-03-07"}, status="in_progress"),
        {"id": "d3", "text": UNDATED, "meta": {}},
        {"id": "d4", "text": DATED + " Encore.", "meta": {"date": "2019-03-08"}},
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    annotator_import(db, path)
    return ["d1", "d2", "d3", "d4"]


def who(db: str) -> str:
    """Whose suggestions a run without --annotator keeps: the database user, else the login name
    (set by the tests to alice)."""
    with open_store(db) as store:
        return store.user or "alice"


def test_kept_suggestions_are_those_the_screen_would_compute(any_db, tmp_path, scheme):
    user = who(any_db)
    ids = fill(any_db, tmp_path, user)
    proc = run("--db", any_db, "--no-model", env={**os.environ, "LOGNAME": "alice", "USER": "alice"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "suggestions kept in" in proc.stderr and f"for {user}: computed for 4 document(s)" in proc.stderr
    assert "already kept for 0" in proc.stderr
    assert "1 document(s) have no date" in proc.stderr and ": d3" in proc.stderr
    with open_store(any_db) as store:
        screen = Suggesting(scheme, user, SuggestOptions())
        for doc_id in ids:
            kept = store.suggestions(doc_id, user)
            assert kept.items is not None, doc_id
            fresh = screen.compute(store, document_input(store.load(doc_id, user)))
            assert decode(kept.items) == fresh, doc_id
            assert kept.made_by == screen.made_by == "rule:date rule:quantity rule:quote gazetteer"
            opened = Suggesting(scheme, user).for_document(store, doc_id)
            assert not opened.computed and opened.suggestions == fresh
        d2 = decode(store.suggestions("d2", user).items or b"[]")
        d3 = decode(store.suggestions("d3", user).items or b"[]")
        d4 = decode(store.suggestions("d4", user).items or b"[]")
    texts4 = [(DATED[s.start:s.end], s.source) for s in d4]
    assert ("Lola Castro", "gazetteer") in texts4 and ("Peter Mutharika", "gazetteer") in texts4
    # what the annotator tagged in d2 is not proposed to them again there
    assert ("Peter Mutharika", "gazetteer") not in [(DATED[s.start:s.end], s.source) for s in d2]
    # no date: the relative dates get no calendar value, never a guessed one
    dates3 = {UNDATED[s.start:s.end]: s.attrs.get("value") for s in d3 if s.label == "DATE"}
    assert dates3 and all(v is None or str(v).startswith("XXXX") for v in dates3.values()), dates3
    # the kept suggestions of bob (the records of others) are not touched
    with open_store(any_db) as store:
        assert store.suggestions("d1", "bob" if user != "bob" else "carol").items is None


def test_a_second_run_keeps_what_is_kept_and_again_computes_it_keeping_rejections(tmp_path):
    db = str(tmp_path / "s.db")
    fill(db, tmp_path, "alice")
    assert run("--db", db, "--no-model", "--annotator", "alice").returncode == 0
    with open_store(db) as store:
        first = {d: decode(store.suggestions(d, "alice").items or b"[]") for d in ("d1", "d2", "d3", "d4")}
        rejected = first["d4"][0].key
        assert store.reject_suggestion("d4", "alice", rejected)
        store.save_suggestions([SuggestionsRow("d1", "alice", b"[]", "by hand", "2020-01-01T00:00:00.000Z")])
    proc = run("--db", db, "--no-model", "--annotator", "alice")
    assert proc.returncode == 0, proc.stderr
    assert "computed for 0 document(s)" in proc.stderr and "already kept for 4" in proc.stderr
    with open_store(db) as store:
        assert store.suggestions("d1", "alice").made_by == "by hand"  # left as it was
        assert decode(store.suggestions("d1", "alice").items or b"?") == []
        assert decode(store.suggestions("d4", "alice").items or b"[]") == first["d4"]
    proc = run("--db", db, "--no-model", "--annotator", "alice", "--again")
    assert proc.returncode == 0, proc.stderr
    assert "computed for 4 document(s)" in proc.stderr and "already kept for 0" in proc.stderr
    with open_store(db) as store:
        again = store.suggestions("d1", "alice")
        assert decode(again.items or b"[]") == first["d1"] != [] and again.made_by != "by hand"
        assert store.suggestions("d4", "alice").rejected == {rejected}


def test_sources_name_documents_of_the_store(tmp_path):
    db = str(tmp_path / "s.db")
    (tmp_path / "a.txt").write_text("date 2019-03-07\n" + DATED + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(UNDATED + "\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Lundi, 4 blessés.\n", encoding="utf-8")
    annotator_import(db, tmp_path / "a.txt")
    annotator_import(db, tmp_path / "b.txt")
    proc = run(str(tmp_path / "a.txt"), str(tmp_path / "c.txt"), "--db", db, "--no-model", "--annotator", "alice")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(
        f"annotator: 1 document(s) of the sources are not in {db}: c; import them first (annotator import ")
    with open_store(db) as store:
        assert store.suggestions("a", "alice").items is None  # refused before anything was kept
        assert store.find_document("c") is None  # nor imported
    proc = run(str(tmp_path / "a.txt"), "--db", db, "--no-model", "--annotator", "alice")
    assert proc.returncode == 0, proc.stderr
    assert "computed for 1 document(s)" in proc.stderr
    with open_store(db) as store:
        assert decode(store.suggestions("a", "alice").items or b"[]") != []
        assert store.suggestions("b", "alice").items is None
    (tmp_path / "a.txt").write_text("date 2019-03-07\nUn autre texte.\n", encoding="utf-8")
    proc = run(str(tmp_path / "a.txt"), "--db", db, "--no-model", "--annotator", "alice")
    assert proc.returncode == 1 and "have another text in" in proc.stderr


def test_todo_leaves_out_the_documents_done(tmp_path):
    db = str(tmp_path / "s.db")
    path = tmp_path / "in.jsonl"
    path.write_bytes(orjson.dumps(make_record(DATED, [], id="done1", annotator="alice", status="done")) + b"\n"
                     + orjson.dumps({"id": "todo1", "text": DATED}) + b"\n")
    annotator_import(db, path)
    proc = run("--db", db, "--no-model", "--annotator", "alice", "--todo")
    assert proc.returncode == 0, proc.stderr
    assert "computed for 1 document(s)" in proc.stderr and "skipped 1 done (--todo)" in proc.stderr
    with open_store(db) as store:
        assert store.suggestions("done1", "alice").items is None
        assert store.suggestions("todo1", "alice").items is not None


def test_a_read_only_store_is_one_line_and_nothing_changes(tmp_path):
    db = str(tmp_path / "s.db")
    fill(db, tmp_path, "alice")
    with Backend(tmp_path).read_only(db):
        proc = run("--db", db, "--no-model", "--annotator", "alice")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"annotator: {db}: the store is read-only: no suggestion can be kept there (--out PATH writes them to a file)"]
    with open_store(db) as store:
        assert all(store.suggestions(d, "alice").items is None for d in ("d1", "d2", "d3", "d4"))


def test_an_interrupted_run_keeps_every_batch_written_and_the_next_run_goes_on(tmp_path, monkeypatch, capsys):
    """Killed midway (here a ^C in the fifth document, two documents a batch): the first two
    batches are kept, the next run computes only the rest."""
    from annotator.cli import main, suggest_store
    from annotator.suggest import kept

    db = str(tmp_path / "s.db")
    docs = tmp_path / "docs.jsonl"
    docs.write_bytes(b"".join(orjson.dumps({"id": f"d{i}", "text": DATED}) + b"\n" for i in range(7)))
    annotator_import(db, docs)
    monkeypatch.setattr(suggest_store, "BATCH", 2)
    real = kept.Suggesting.result
    seen: list[str] = []

    def interrupted(self, store, doc):
        seen.append(doc.id)
        if len(seen) == 5:
            raise KeyboardInterrupt
        return real(self, store, doc)

    monkeypatch.setattr(kept.Suggesting, "result", interrupted)
    args = ["suggest", "--db", db, "--no-model", "--annotator", "alice", "--schema", str(SCHEME_PATH)]
    assert main(args) == 130
    with open_store(db) as store:
        assert [d for d in (f"d{i}" for i in range(7)) if store.suggestions(d, "alice").items is not None] == [
            "d0", "d1", "d2", "d3"]
    monkeypatch.setattr(kept.Suggesting, "result", real)
    capsys.readouterr()
    assert main(args) == 0
    assert "computed for 3 document(s)" in capsys.readouterr().err


@pytest.mark.parametrize("args,code,words", [
    (["--patterns", "BAD", "--db", "DB"], 1, "BAD:2: label: 'PLACE' is not in the scheme"),
    (["--model", "fr_core_news_xx", "--db", "DB"], 1, "pip install fr-core-news-xx"),
    (["--map", "PER=PERSONNE", "--db", "DB"], 2, "not in the scheme"),
    (["--no-model", "--labels", "PLACE", "--db", "DB"], 2, "unknown label"),
    (["--no-model", "--out", "-", "--db", "DB"], 2, "--db and --out"),
    (["SOURCE", "--no-model", "--again", "--out", "-"], 2, "--again applies to suggestions kept in the store"),
    (["--no-model", "--out", "-"], 2, "--out writes the SOURCES as records with suggestions: name the SOURCES"),
])
def test_bad_input_in_store_mode_stops_before_anything_is_kept(tmp_path, args, code, words):
    db = str(tmp_path / "s.db")
    fill(db, tmp_path, "alice")
    bad = tmp_path / "p.jsonl"
    bad.write_text('{"label": "ACTOR", "pattern": "Lola"}\n{"label": "PLACE", "pattern": "Irak"}\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(DATED, encoding="utf-8")
    given = {"BAD": str(bad), "DB": db, "SOURCE": str(tmp_path / "a.txt")}
    proc = run(*(given.get(a, a) for a in args), "--annotator", "alice")
    assert proc.returncode == code, proc.stderr
    assert words.replace("BAD", str(bad)) in proc.stderr and "Traceback" not in proc.stderr
    assert all(line.startswith((str(bad), "annotator: ", "usage: ")) for line in proc.stderr.splitlines())
    with open_store(db) as store:
        assert all(store.suggestions(d, "alice").items is None for d in ("d1", "d2", "d3", "d4"))


def test_a_progress_bar_on_a_terminal_and_nothing_on_a_pipe(tmp_path):
    db = str(tmp_path / "s.db")
    fill(db, tmp_path, "alice")
    proc = run("--db", db, "--no-model", "--annotator", "alice", "--again")
    assert proc.returncode == 0 and "\x1b" not in proc.stderr and "suggesting" not in proc.stderr
    main_fd, tty = pty.openpty()
    try:
        child = subprocess.Popen([*ANNOTATOR, "suggest", "--db", db, "--no-model", "--annotator", "alice", "--again",
                                  "--schema", str(SCHEME_PATH)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=tty)
        os.close(tty)
        out = b""
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert child.wait() == 0
    finally:
        os.close(main_fd)
    assert b"suggesting" in out and b"computed for 4 document(s)" in out


def test_a_big_store_is_shared_with_a_forked_child_and_keeps_the_same_suggestions(tmp_path, monkeypatch, capsys):
    from annotator import forking
    from annotator.cli import main, suggest_store

    docs = tmp_path / "docs.jsonl"
    docs.write_bytes(b"".join(orjson.dumps({"id": f"d{i}", "text": [DATED, UNDATED][i % 2]}) + b"\n"
                              for i in range(40)))
    kept: dict[str, dict[str, list]] = {}
    children: list[bool] = []

    class Counted(forking.Forked):
        def __init__(self, *args, **kw):
            super().__init__(*args, **kw)
            children.append(self.in_child)

    monkeypatch.setattr(forking, "Forked", Counted)
    for name, fork in (("forked", True), ("alone", False)):
        db = str(tmp_path / f"{name}.db")
        annotator_import(db, docs)
        monkeypatch.setattr(forking, "FORK_MIN_BYTES", 1)
        monkeypatch.setattr(suggest_store, "CHUNK_BYTES", 3000)  # several chunks, each shared
        if not fork:
            monkeypatch.setattr(forking, "can_fork", lambda: False)
        assert main(["suggest", "--db", db, "--no-model", "--annotator", "alice", "--schema", str(SCHEME_PATH)]) == 0
        assert "computed for 40 document(s)" in capsys.readouterr().err
        with open_store(db) as store:
            kept[name] = {f"d{i}": decode(store.suggestions(f"d{i}", "alice").items or b"?") for i in range(40)}
        if fork:
            assert len(children) > 1 and all(children)  # several chunks, each half computed in a child
    assert kept["forked"] == kept["alone"] and all(kept["alone"].values())
