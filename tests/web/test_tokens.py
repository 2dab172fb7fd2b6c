"""Private links: tokens made, kept in an owner-only file, reused across restarts, matched exactly."""

from __future__ import annotations

import os
import stat

import pytest

from annotator.web.tokens import (
    Link,
    TokensFileError,
    Wanted,
    find_link,
    new_token,
    parse_tokens,
    plan_links,
    read_tokens,
    write_tokens,
)


def test_every_person_gets_a_different_random_token():
    plan = plan_links([Wanted("annotate", "alice"), Wanted("annotate", "bob"), Wanted("review", "alice")], [])
    tokens = [link.token for link in plan.served]
    assert [(link.screen, link.name) for link in plan.served] == [("annotate", "alice"), ("annotate", "bob"),
                                                                  ("review", "alice")]
    assert len(set(tokens)) == 3 and all(len(t) >= 43 for t in tokens)
    assert plan.new_tokens


def test_the_file_is_created_owner_only_whatever_the_umask(tmp_path):
    path = tmp_path / "tokens"
    links = plan_links([Wanted("annotate", "alice")], []).kept
    old = os.umask(0)
    try:
        write_tokens(path, links)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_tokens(path) == list(links)
    assert [p.name for p in tmp_path.iterdir()] == ["tokens"]  # no temporary file left behind


def test_stored_tokens_are_reused_and_new_people_added(tmp_path):
    path = tmp_path / "tokens"
    first = plan_links([Wanted("annotate", "alice")], [])
    write_tokens(path, first.kept)
    second = plan_links([Wanted("annotate", "alice"), Wanted("review", "carol")], read_tokens(path))
    assert second.served[0] == first.served[0]
    assert second.new_tokens
    write_tokens(path, second.kept)
    third = plan_links([Wanted("annotate", "alice")], read_tokens(path))
    assert third.served == (first.served[0],) and not third.new_tokens
    assert plan_links([], read_tokens(path)).served == second.kept  # nobody named: every stored link


def test_a_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "tokens"
    write_tokens(path, [Link("annotate", "alice", new_token())])
    path.chmod(0o644)
    with pytest.raises(TokensFileError, match=r"others may read the tokens file \(mode 0644\).*chmod 600"):
        read_tokens(path)


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    with pytest.raises(TokensFileError, match="cannot read the tokens file"):
        read_tokens(tmp_path)  # a folder
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(TokensFileError, match="cannot read the tokens file"):
        read_tokens(link)  # never follows a link to somewhere else


@pytest.mark.parametrize(("body", "message"), [
    ("annotate alice\n", r"f:1: expected `SCREEN NAME TOKEN` \(3 fields\), found 2"),
    ("# c\n\nedit alice " + "a" * 43 + "\n", r"f:3: screen: must be annotate or review"),
    ("annotate al/ice " + "a" * 43 + "\n", r"f:1: name: "),
    ("annotate alice short\n", r"f:1: token: 32-128 characters"),
    ("annotate alice " + "a" * 43 + "\nannotate alice " + "b" * 43 + "\n", r"f:2: name: a second annotate link for alice"),
    ("annotate alice " + "a" * 43 + "\nannotate bob " + "a" * 43 + "\n", r"f:2: token: the same token"),
])
def test_malformed_lines_name_the_line_and_the_field(body, message):
    with pytest.raises(TokensFileError, match=message):
        parse_tokens(body, "f")


def test_a_file_that_is_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "tokens"
    write_tokens(path, [Link("annotate", "alice", new_token())])
    with open(path, "ab") as handle:
        handle.write(b"annotate b\xffb " + b"a" * 43 + b"\n")
    with pytest.raises(TokensFileError, match=r"tokens:3: not UTF-8 text"):
        read_tokens(path)


def test_find_link_matches_the_exact_token_only():
    links = [Link("annotate", "alice", new_token()), Link("review", "carol", new_token())]
    assert find_link(links, links[1].token) == links[1]
    assert find_link(links, links[0].token) == links[0]
    for wrong in ("", links[0].token[:-1], links[0].token + "x", links[0].token.upper(), "é" * 43, "a" * 43):
        assert find_link(links, wrong) is None
