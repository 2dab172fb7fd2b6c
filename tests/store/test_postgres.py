"""What only the PostgreSQL backend has: roles the database enforces (row-level security), its
team commands, preparing and upgrading a database, its format version, connections that fail or
drop, and texts that PostgreSQL's ``text`` type could not hold."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import orjson
import psycopg
import pytest

from annotator.errors import StoreError
from annotator.model import text_sha256
from annotator.model.types import NewDocument
from annotator.session import RecordChanged, Session
from annotator.store import open_store, pg_migrations
from annotator.store.pg_admin import add_member, init_database, members
from tests.conftest import ANNOTATOR
from tests.pg_server import PASSWORD_USER, free_port

TEXT = "La coalition internationale a déclaré « 75 membres » en Irak."


def _doc(doc_id="d1", text=TEXT):
    return NewDocument(doc_id, text, text_sha256(text), {}, f"{doc_id}.txt")


@pytest.fixture
def team_db(pg_server):
    """A leased database with documents d1, d2 and a team: alice and bob annotate, carol reviews."""
    name = pg_server.lease()
    url = pg_server.url(name)
    for who, role in (("alice", "annotator"), ("bob", "annotator"), ("carol", "reviewer")):
        add_member(url, name, who, role)
    with open_store(url) as admin:
        admin.add_documents([_doc("d1"), _doc("d2", "Une autre dépêche de Bagdad.")])
    yield name
    pg_server.give_back(name)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ANNOTATOR, *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, timeout=120)


def one_line_error(proc: subprocess.CompletedProcess[str], code: int = 1, notes: int = 0) -> str:
    """The error line (after ``notes`` lines that are not errors, such as an import's format guess)."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 + notes, proc.stderr
    return lines[-1]


def test_an_annotator_cannot_read_or_write_anothers_record_even_with_raw_sql(pg_server, team_db, scheme):
    with open_store(pg_server.url(team_db, "alice")) as alice, open_store(pg_server.url(team_db, "bob")) as bob:
        assert (alice.user, bob.user) == ("alice", "bob")
        Session(alice, scheme, "alice").add_span("d1", 0, 12, "ACTOR")
        Session(bob, scheme, "bob").add_span("d1", 56, 60, "ACTOR")
        # through the store: alice sees only her work, and cannot act as bob
        assert alice.annotators() == ["alice"] and alice.load("d1", "bob").spans == {}
        with pytest.raises(StoreError, match="alice may not do this"):
            Session(alice, scheme, "bob").add_span("d1", 0, 12, "ACTOR")
    # raw SQL on alice's own connection
    with psycopg.connect(pg_server.url(team_db, "alice"), autocommit=True) as raw:
        assert raw.execute("SELECT count(*) FROM records WHERE annotator = 'bob'").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM actions WHERE annotator = 'bob'").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM records").fetchone() == (1,)  # her own
        assert raw.execute("UPDATE records SET status = 'done' WHERE annotator = 'bob'").rowcount == 0
        for statement in (
            "INSERT INTO records (doc_pk, annotator, status, span_count, flag_count, spans, flags)"
            " VALUES (2, 'bob', 'done', 0, 0, '[]', '[]')",
            "INSERT INTO actions (doc_pk, annotator, kind, effect, at) VALUES (1, 'bob', 'do', '[]', 'now')",
            "UPDATE records SET annotator = 'bob' WHERE annotator = 'alice'",
            "DELETE FROM records",
            "INSERT INTO documents (id, text, chars, text_sha256, meta, source, added_at)"
            " VALUES ('x', 'x', 1, 'x', '{}', 'x', 'x')",
            "INSERT INTO assignments (doc_pk, annotator, assigned_at) VALUES (1, 'alice', 'now')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
    # bob's record is as bob left it
    with open_store(pg_server.url(team_db)) as admin:
        assert [s["text"] for s in admin.load("d1", "bob").spans.values()] == ["Irak"]
        assert admin.load("d1", "bob").status == "in_progress"


def test_a_reviewer_reads_everyones_records_and_writes_only_their_own(pg_server, team_db, scheme):
    for who in ("alice", "bob"):
        with open_store(pg_server.url(team_db, who)) as st:
            Session(st, scheme, who).add_span("d1", 0, 12, "ACTOR")
    with open_store(pg_server.url(team_db, "carol")) as carol:
        assert carol.annotators() == ["alice", "bob"] and carol.reviewable("carol") == ["d1"]
        assert [s["text"] for s in carol.load("d1", "bob").spans.values()] == ["La coalition"]
        Session(carol, scheme, "carol").add_span("d1", 0, 12, "ACTOR")  # her gold record
        with pytest.raises(StoreError, match="carol may not do this"):
            Session(carol, scheme, "bob").add_span("d1", 56, 60, "ACTOR")
    with open_store(pg_server.url(team_db, "alice")) as alice:
        assert alice.reviewable("alice") == []  # an annotator sees nobody else's work


def test_team_add_list_and_change_of_role(pg_server, team_db):
    url = pg_server.url(team_db)
    proc = cli("team", "add", "dave", "--role", "reviewer", "--db", url)
    assert proc.returncode == 0 and "dave: created, reviewer" in proc.stderr
    proc = cli("team", "list", "--db", url)
    assert proc.returncode == 0
    assert [line.split() for line in proc.stdout.splitlines()] == [
        ["alice", "annotator"], ["bob", "annotator"], ["carol", "reviewer"], ["dave", "reviewer"]]
    add_member(url, team_db, "dave", "annotator")  # one role at a time
    assert ("dave", "annotator") in [(m.name, m.role) for m in members(url, team_db)]
    assert ("dave", "reviewer") not in [(m.name, m.role) for m in members(url, team_db)]
    # an annotator may not make teams
    line = one_line_error(cli("team", "add", "eve", "--role", "admin", "--db", pg_server.url(team_db, "alice")))
    assert "may create roles" in line
    # on SQLite a name is a label
    line = one_line_error(cli("team", "list", "--db", "some.db"), code=2)
    assert "need a PostgreSQL store" in line


def test_the_annotator_is_the_database_user(pg_server, team_db):
    proc = cli("review", "--reviewer", "bob", "--db", pg_server.url(team_db, "alice"))
    assert "you work as the database user 'alice'" in one_line_error(proc, code=2)


def test_db_init_prepares_an_empty_database_once_and_refuses_others(pg_server):
    pg_server.sql("DROP DATABASE IF EXISTS fresh_init")
    pg_server.sql("CREATE DATABASE fresh_init")
    url = pg_server.url("fresh_init")
    try:
        assert "db init" in one_line_error(cli("stats", "--db", url))  # empty: says to prepare it
        proc = cli("db", "init", url)
        assert proc.returncode == 0 and "prepared (format" in proc.stderr
        proc = cli("db", "init", url)
        assert proc.returncode == 0 and "nothing to do" in proc.stderr
        with open_store(url) as st:
            assert st.document_count() == 0
        pg_server.sql("DROP DATABASE fresh_init")
        pg_server.sql("CREATE DATABASE fresh_init")
        pg_server.sql("CREATE TABLE invoices (n int)", db="fresh_init")
        for args in (["db", "init", url], ["stats", "--db", url]):
            assert "not an annotator store" in one_line_error(cli(*args))
        assert pg_server.sql_rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", "fresh_init") == [(1,)]
    finally:
        pg_server.drop_database("fresh_init")


def test_a_newer_format_is_refused_and_an_older_one_upgraded_by_db_init(pg_server, monkeypatch):
    name = pg_server.new_database()
    url = pg_server.url(name)
    try:
        with open_store(url) as st:
            st.add_documents([_doc()])
        pg_server.sql(f"UPDATE annotator_meta SET value = '{pg_migrations.FORMAT_VERSION + 1}' WHERE key = 'format'",
                      db=name)
        assert "newer than this annotator's" in one_line_error(cli("stats", "--db", url))
        assert "newer than this annotator's" in one_line_error(cli("db", "init", url))
        pg_server.sql(f"UPDATE annotator_meta SET value = '{pg_migrations.FORMAT_VERSION}' WHERE key = 'format'",
                      db=name)
        # the code moves on to format N+1, whose step adds a column
        old = pg_migrations.FORMAT_VERSION
        monkeypatch.setattr(pg_migrations, "FORMAT_VERSION", old + 1)
        monkeypatch.setitem(pg_migrations.MIGRATIONS, old, lambda cur: cur.execute(
            "ALTER TABLE documents ADD COLUMN language text"))
        with pytest.raises(StoreError, match="older than this annotator's.*db init"):
            open_store(url)
        assert "upgraded from format" in init_database(url, name)
        with open_store(url) as st:
            assert st.document_count() == 1
        assert pg_server.sql_rows("SELECT count(*) FROM information_schema.columns"
                                  " WHERE table_name = 'documents' AND column_name = 'language'", name) == [(1,)]
    finally:
        pg_server.drop_database(name)


def test_connections_that_fail_are_one_line_errors_that_say_what_to_do(pg_server, team_db, tmp_path):
    port = free_port()  # nothing listens there
    line = one_line_error(cli("stats", "--db", f"postgresql://alice:hunter2@127.0.0.1:{port}/{team_db}"))
    assert "cannot reach the PostgreSQL server" in line and "hunter2" not in line
    pg_server.sql(f"DROP ROLE IF EXISTS {PASSWORD_USER}")
    pg_server.sql(f"CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD 'right one'")
    add_member(pg_server.url(team_db), team_db, PASSWORD_USER, "annotator")
    wrong = cli("stats", "--db", pg_server.tcp_url(team_db, PASSWORD_USER), env={"PGPASSWORD": "wrong"})
    assert "refused the password" in one_line_error(wrong) and "wrong" not in wrong.stderr.replace("refused", "")
    inline = cli("stats", "--db", pg_server.tcp_url(team_db, PASSWORD_USER, "s3cret-pw"))
    assert "refused the password" in one_line_error(inline) and "s3cret-pw" not in inline.stderr
    right = cli("stats", "--db", pg_server.tcp_url(team_db, PASSWORD_USER), env={"PGPASSWORD": "right one"})
    assert right.returncode == 0 and "2 document(s)" in right.stdout
    assert "has no database 'nowhere'" in one_line_error(cli("stats", "--db", pg_server.url("nowhere")))
    assert "has no user 'ghost'" in one_line_error(cli("stats", "--db", pg_server.url(team_db, "ghost")))
    # a user with no role in the store: told who can fix it, and nothing is written
    pg_server.sql("DROP ROLE IF EXISTS outsider")
    pg_server.sql("CREATE ROLE outsider LOGIN")
    line = one_line_error(cli("stats", "--db", pg_server.url(team_db, "outsider")))
    assert "no rights on this annotator store" in line and "team add outsider" in line
    doc = tmp_path / "new.txt"
    doc.write_text("Un texte.", encoding="utf-8")
    line = one_line_error(cli("import", str(doc), "--db", pg_server.url(team_db, "alice")), notes=1)
    assert "alice may not do this" in line and "--role admin" in line and "nothing was changed" in line
    with open_store(pg_server.url(team_db)) as st:
        assert st.document_count() == 2


def test_without_the_driver_the_message_says_what_to_install(tmp_path):
    code = ("import sys; sys.modules['psycopg'] = None\n"
            "from annotator.cli import main\n"
            "sys.exit(main(['stats', '--db', 'postgresql://alice:pw@db.example:5432/work']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    line = one_line_error(proc)
    assert "pip install 'annotator[postgres]'" in line and "postgresql://alice@db.example:5432/work" in line
    assert "pw" not in line.replace("postgres", "")


def test_any_text_round_trips_exactly_nul_included(pg_url, tmp_path, scheme):
    from annotator.exporting import export
    from annotator.importing import import_sources

    text = "nul\x00 tab\t CRLF\r\n emoji 👍🏽 e\u0301 NBSP\u00a0« fin »"
    rec = {"id": "odd", "text": text, "text_sha256": text_sha256(text), "meta": {"n": "\x00"}, "annotator": "alice",
           "status": "done", "schema": "news", "schema_version": 1,
           "spans": [{"id": "s1", "start": 25, "end": 29, "label": "ACTOR", "text": text[25:29], "attrs": {},
                      "source": "manual"}], "flags": [], "updated_at": "2026-01-02T03:04:05.000Z"}
    src = tmp_path / "in.jsonl"
    src.write_bytes(orjson.dumps(rec) + b"\n")
    with open_store(pg_url) as st:
        import_sources(st, [src], scheme, "alice")
        assert st.load("odd", "alice").text == text
        export(st, scheme, str(tmp_path / "out.jsonl"), status=None)
    assert orjson.loads((tmp_path / "out.jsonl").read_bytes()) == rec


def test_a_lost_server_fails_the_action_and_the_store_reconnects_when_it_is_back(pg_server, pg_url, scheme):
    with open_store(pg_url) as st:
        st.add_documents([_doc()])
        s = Session(st, scheme, st.user)
        s.add_span("d1", 0, 12, "ACTOR")
        pg_server.stop("immediate")
        try:
            with pytest.raises(StoreError, match="cannot reach the PostgreSQL server|lost the connection"):
                s.add_span("d1", 56, 60, "ACTOR")
        finally:
            pg_server.start()
        s.add_span("d1", 13, 27, "ACTOR")  # reconnected
        pg_server.stop("fast")  # a restart between two actions is not even noticed
        pg_server.start()
        s.add_span("d1", 56, 60, "ACTOR")
    with open_store(pg_url) as st:
        assert sorted(sp["text"] for sp in st.load("d1", "postgres").spans.values()) == [
            "Irak", "La coalition", "internationale"]


def test_an_admin_imports_documents_and_everyones_records(pg_server, team_db, scheme, tmp_path):
    from annotator.importing import import_sources
    from tests.conftest import make_record

    add_member(pg_server.url(team_db), team_db, "dana", "admin")
    text = "Le président a parlé à Bagdad."
    lines = [make_record(text, [{"start": 3, "end": 12, "label": "ACTOR"}], id="new", annotator=who)
             for who in ("alice", "bob")] + [make_record(TEXT, [], id="d1", annotator="carol")]
    src = tmp_path / "r.jsonl"
    src.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    with open_store(pg_server.url(team_db, "dana")) as dana:
        assert dana.bypasses_rls is False  # row-level security holds admins too: records go in by INSERT
        result = import_sources(dana, [src], scheme, "dana")
        assert (result.summary.documents_added, result.summary.records_added) == (1, 3)
        assert import_sources(dana, [src], scheme, "dana").summary.records_unchanged == 3
        assert dana.annotators() == ["alice", "bob", "carol"]
        from annotator.assigning import assign

        assert len(assign(dana, ["alice", "bob"], 2).pairs) == 2  # d2: the others are done already
        assert len(assign(dana, ["alice", "bob"], 2, "all").pairs) == 4
    with open_store(pg_server.url(team_db, "alice")) as alice:
        assert [s["text"] for s in alice.load("new", "alice").spans.values()] == ["président"]
        assert alice.has_assignments("alice") and alice.progress()[0].annotator == "alice"


def test_kept_suggestions_are_held_to_their_annotator_even_with_raw_sql(pg_server, team_db):
    from annotator.store.base import SuggestionsRow

    at = "2026-01-02T03:04:05.000Z"
    for who in ("alice", "bob"):
        with open_store(pg_server.url(team_db, who)) as st:
            st.save_suggestions([SuggestionsRow("d1", who, f'["{who}"]', "rule:date", at)])
            assert st.reject_suggestion("d1", who, (0, 12, "ACTOR"))
    with open_store(pg_server.url(team_db, "alice")) as alice:
        assert alice.suggestions("d1", "bob").items is None and alice.suggestions("d1", "bob").rejected == frozenset()
        with pytest.raises(StoreError, match="alice may not do this"):
            alice.save_suggestions([SuggestionsRow("d1", "bob", "[]", "rule:date", at)])
        with pytest.raises(StoreError, match="alice may not do this"):
            alice.reject_suggestion("d2", "bob", (0, 3, "ACTOR"))
    with psycopg.connect(pg_server.url(team_db, "alice"), autocommit=True) as raw:
        assert raw.execute("SELECT annotator FROM suggestions").fetchall() == [("alice",)]
        assert raw.execute("SELECT annotator FROM suggestion_rejections").fetchall() == [("alice",)]
        assert raw.execute("UPDATE suggestions SET items = '[]' WHERE annotator = 'bob'").rowcount == 0
        for statement in ("DELETE FROM suggestion_rejections",
                          "UPDATE suggestions SET annotator = 'bob' WHERE annotator = 'alice'",
                          "INSERT INTO suggestion_rejections (doc_pk, annotator, span_start, span_end, label,"
                          " rejected_at) VALUES (1, 'bob', 1, 2, 'DATE', 'now')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                raw.execute(statement)
    with open_store(pg_server.url(team_db, "carol")) as carol:  # a reviewer reads everyone's
        assert carol.suggestions("d1", "bob").items == '["bob"]'
        assert carol.suggestions("d1", "alice").rejected == {(0, 12, "ACTOR")}


@contextmanager
def _database_with_alice(pg_server) -> Iterator[tuple[str, str]]:
    """A new database (its name, and its owner's url) holding one document, alice a member
    annotator; dropped afterwards."""
    name = pg_server.new_database()
    url = pg_server.url(name)
    try:
        with open_store(url) as st:
            st.add_documents([_doc()])
        add_member(url, name, "alice", "annotator")
        yield name, url
    finally:
        pg_server.drop_database(name)


def test_a_format_1_database_gets_the_suggestion_tables_from_db_init(pg_server, scheme):
    """Format 2 keeps suggestions: a database of format 1 is refused until its owner runs db init,
    which adds the tables with their grants and row-level security; the work in it is kept."""
    from annotator.store.base import SuggestionsRow

    with _database_with_alice(pg_server) as (name, url):
        with open_store(pg_server.url(name, "alice")) as alice:
            Session(alice, scheme, "alice").add_span("d1", 0, 12, "ACTOR")
        _as_format_2(pg_server, name)
        pg_server.sql("DROP TABLE suggestions, suggestion_rejections", db=name)  # as format 1 laid it out
        pg_server.sql("UPDATE annotator_meta SET value = '1' WHERE key = 'format'", db=name)
        assert "older than this annotator's" in one_line_error(cli("stats", "--db", url))
        proc = cli("db", "init", url)
        assert proc.returncode == 0 and f"upgraded from format 1 to {pg_migrations.FORMAT_VERSION}" in proc.stderr
        with open_store(pg_server.url(name, "alice")) as alice:
            assert [s["text"] for s in alice.load("d1", "alice").spans.values()] == ["La coalition"]
            alice.save_suggestions([SuggestionsRow("d1", "alice", "[]", "rule:date", "2026-01-01T00:00:00.000Z")])
            assert alice.reject_suggestion("d1", "alice", (0, 12, "ACTOR"))
            assert alice.suggestions("d1", "alice").rejected == {(0, 12, "ACTOR")}
        assert pg_server.sql_rows("SELECT count(*) FROM pg_policies WHERE tablename LIKE 'suggestion%'", name) == [(6,)]



def _as_format_2(pg_server, name: str) -> None:
    """Take format 3's step back: annotators do not draw from the log's sequence, no trigger."""
    role = pg_server.sql_rows("SELECT value FROM annotator_meta WHERE key = 'role_annotator'", name)[0][0]
    pg_server.sql(f'REVOKE USAGE ON SEQUENCE actions_seq_seq FROM "{role}"', db=name)
    pg_server.sql("DROP TRIGGER actions_seq_drawn ON actions; DROP FUNCTION annotator_drawn_seq()", db=name)
    pg_server.sql("UPDATE annotator_meta SET value = '2' WHERE key = 'format'", db=name)


def test_a_format_2_database_is_upgraded_by_db_init_and_its_history_kept(pg_server, scheme):
    """Format 3 lets an annotator draw an action's seq before its INSERT: db init adds the grant
    and the trigger; the actions logged before go on being undone in order."""
    with _database_with_alice(pg_server) as (name, url):
        with open_store(pg_server.url(name, "alice")) as alice:
            s = Session(alice, scheme, "alice")
            s.add_span("d1", 0, 12, "ACTOR")
            s.add_span("d1", 13, 27, "ACTOR")
        _as_format_2(pg_server, name)
        assert "older than this annotator's" in one_line_error(cli("stats", "--db", url))
        proc = cli("db", "init", url)
        assert proc.returncode == 0 and "upgraded from format 2 to 3" in proc.stderr
        with open_store(pg_server.url(name, "alice")) as alice:
            s = Session(alice, scheme, "alice")
            s.add_span("d1", 56, 60, "ACTOR")
            assert s.undo("d1") is not None and s.undo("d1") is not None
            assert [sp["text"] for sp in alice.load("d1", "alice").spans.values()] == ["La coalition"]
            assert s.redo("d1") is not None
            assert sorted(sp["text"] for sp in alice.load("d1", "alice").spans.values()) == [
                "La coalition", "internationale"]
        seqs = [r[0] for r in pg_server.sql_rows("SELECT seq FROM actions ORDER BY seq", name)]
        assert len(seqs) == 6 and seqs == sorted(set(seqs))


def test_an_annotator_cannot_log_an_action_at_a_seq_their_session_did_not_draw(pg_server, team_db):
    """Drawing seqs (format 3) gives no way to take one another session will draw: an INSERT
    that chooses its seq must carry the one its own session drew last."""
    with psycopg.connect(pg_server.url(team_db, "alice"), autocommit=True) as raw:
        (drawn,) = raw.execute("SELECT nextval('actions_seq_seq')").fetchone()
        insert = ("INSERT INTO actions (seq, doc_pk, annotator, kind, effect, at) OVERRIDING SYSTEM VALUE"
                  " SELECT %s, pk, 'alice', 'do', '[]', 'now' FROM documents WHERE id = 'd1'")
        for ahead in (drawn + 1, drawn + 1000):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="drew last"):
                raw.execute(insert, (ahead,))
        raw.execute("CREATE TEMP SEQUENCE actions_seq_seq START 5000000")  # a bare name would find this first
        (own,) = raw.execute("SELECT nextval('pg_temp.actions_seq_seq')").fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="drew last"):
            raw.execute(insert, (own,))
        assert raw.execute(insert, (drawn,)).rowcount == 1
        raw.execute("INSERT INTO actions (doc_pk, annotator, kind, effect, at)"
                    " SELECT pk, 'alice', 'do', '[]', 'now' FROM documents WHERE id = 'd1'")  # the default draws
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            raw.execute("SELECT setval('public.actions_seq_seq', 1000000)")


def test_a_write_refused_with_the_commit_saves_nothing_and_the_next_action_works(pg_server, team_db, scheme):
    """An action's INSERT goes with its COMMIT: refused there (a grant taken away meanwhile), it is
    a one-line StoreError, nothing of the action is stored, and the connection is ready for the next."""
    role = pg_server.sql_rows("SELECT value FROM annotator_meta WHERE key = 'role_annotator'", team_db)[0][0]
    with open_store(pg_server.url(team_db, "alice")) as alice:
        s = Session(alice, scheme, "alice")
        s.add_span("d1", 0, 12, "ACTOR")  # the record's row exists: the next actions lock it
        before = pg_server.sql_rows("SELECT head_seq, pending, span_count FROM records WHERE annotator = 'alice'",
                                    team_db)
        pg_server.sql(f'REVOKE INSERT ON actions FROM "{role}"', db=team_db)
        try:
            with pytest.raises(StoreError, match="alice may not do this.*nothing was changed"):
                s.add_span("d1", 13, 27, "ACTOR")
        finally:
            pg_server.sql(f'GRANT INSERT ON actions TO "{role}"', db=team_db)
        assert pg_server.sql_rows("SELECT head_seq, pending, span_count FROM records WHERE annotator = 'alice'",
                                  team_db) == before
        assert [sp["text"] for sp in alice.load("d1", "alice").spans.values()] == ["La coalition"]
        s.add_span("d1", 13, 27, "ACTOR")
        assert sorted(sp["text"] for sp in alice.load("d1", "alice").spans.values()) == [
            "La coalition", "internationale"]
    assert pg_server.sql_rows("SELECT count(*) FROM actions WHERE annotator = 'alice'", team_db) == [(2,)]


def test_an_action_through_a_session_is_two_round_trips_and_a_change_elsewhere_is_still_seen(
        pg_url, scheme, monkeypatch):
    """The lock (with the BEGIN and the entry's seq), then the write with the COMMIT: the session's
    version check inside the action asks the server nothing more, and the version the action left
    comes back in its Change (the session does not ask for it afterwards). Counted, not timed."""
    trips = []
    depth = [0]
    execute, pipeline = psycopg.Connection.execute, psycopg.Connection.pipeline

    def counted_execute(self, *args, **kwargs):
        if not depth[0]:
            trips.append(str(args[0])[:30])
        return execute(self, *args, **kwargs)

    class CountedPipeline:
        def __init__(self, conn):
            self.inner = pipeline(conn)

        def __enter__(self):
            depth[0] += 1
            trips.append("pipeline")
            return self.inner.__enter__()

        def __exit__(self, *exc):
            depth[0] -= 1
            return self.inner.__exit__(*exc)

    with open_store(pg_url) as st, open_store(pg_url) as other:
        st.add_documents([_doc()])
        s = Session(st, scheme, st.user)
        s.add_span("d1", 0, 12, "ACTOR")  # the record's row is made: from now on an action locks it
        s.record("d1")  # as a screen opening the document: the session checks the version it saw
        monkeypatch.setattr(psycopg.Connection, "execute", counted_execute)
        monkeypatch.setattr(psycopg.Connection, "pipeline", lambda self: CountedPipeline(self))
        s.add_span("d1", 13, 27, "ACTOR")
        assert trips == ["pipeline", "pipeline"]
        assert not s.changed("d1")  # asks the server: the version it saw is the one its action left
        assert len(trips) == 3
        Session(other, scheme, other.user).add_span("d1", 56, 60, "ACTOR")  # another terminal
        assert s.changed("d1")
        with pytest.raises(RecordChanged):
            s.commit("d1", [])
    with open_store(pg_url) as st:
        assert sorted(sp["text"] for sp in st.load("d1", "postgres").spans.values()) == [
            "Irak", "La coalition", "internationale"]
