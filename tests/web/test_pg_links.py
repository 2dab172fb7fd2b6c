"""A browser link on a PostgreSQL store runs as its own database user: the store's URL with the
user replaced and no password, in the session's environment, never in its argument list."""

from __future__ import annotations

from annotator.web.launch import StoreTarget, session_command
from annotator.web.tokens import Link


def test_a_link_on_postgresql_connects_as_its_own_user_without_a_password_in_argv():
    target = StoreTarget("postgresql://owner:s3cret@db.example.org:5432/team2026", "/x/news.toml")
    cmd = session_command(target, Link("annotate", "alice", "t0k3n"))
    assert cmd.env == {"ANNOTATOR_DB": "postgresql://alice@db.example.org:5432/team2026"}
    assert "--db" not in cmd.argv and not any("s3cret" in a or "owner" in a for a in cmd.argv)
    assert cmd.argv[-5:] == ("--annotator", "alice", "--no-model", "--schema", "/x/news.toml")
    review = session_command(target, Link("review", "carol", "t"))
    assert review.env["ANNOTATOR_DB"].startswith("postgresql://carol@") and "--reviewer" in review.argv
    sqlite = session_command(StoreTarget("/data/a.db"), Link("annotate", "alice", "t"))
    assert sqlite.env == {} and ("--db", "/data/a.db") == sqlite.argv[4:6]


def test_a_session_loads_no_spacy_pipeline_of_its_own():
    """Suggestions in a browser come from the rules and the store; a model per session would not fit."""
    cmd = session_command(StoreTarget("/data/a.db"), Link("annotate", "alice", "t"))
    assert "--no-model" in cmd.argv and cmd.argv[3] == "annotate"
