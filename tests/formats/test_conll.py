"""CoNLL: IOB2/BILOU/IOB1 tags, every dropped span reported, spaCy's converter reads the file."""

from __future__ import annotations

import pytest

from annotator.formats import conll
from annotator.formats.common import LossyExport
from annotator.errors import ProblemLog
from tests.formats.fmt_helpers import SCHEME, options, record, sample_records, span


def test_iob2_lines_and_losses(tmp_path):
    recs = sample_records()
    with pytest.raises(LossyExport):
        conll.write(iter(recs), str(tmp_path / "x.conll"), SCHEME, options())
    assert not (tmp_path / "x.conll").exists()
    report = conll.write(iter(recs), str(tmp_path / "x.conll"), SCHEME, options(allow_lossy=True))
    text = (tmp_path / "x.conll").read_text(encoding="utf-8")
    assert text.count("-DOCSTART- -X- O O\n\n") == 4
    assert "«\tB-QUOTE" not in text and "« B-QUOTE\nNous I-QUOTE\nresterons I-QUOTE\n» I-QUOTE\n" in text
    assert "1 B-QUANTITY\n200 I-QUANTITY\n€ I-QUANTITY\n" in text  # NBSP split: columns are white-space separated
    losses = {l.doc_id: "; ".join(l.items) for l in report.losses}
    assert "span ACTOR a2 8:15 'pompier' dropped: overlaps ACTOR a1" in losses["emoji"]
    assert "links not written: speaker x1" in losses["crlf"] and "attributes not written" in losses["nfd/1"]
    for line in text.splitlines():
        assert line == "" or len(line.split()) in (2, 4)


def test_bilou_and_iob1(tmp_path):
    t = "Paul Marie et Jean Dupont."
    rec = record("d", t, [span("a", t, "Paul", "ACTOR"), span("b", t, "Marie", "ACTOR"), span("c", t, "Jean Dupont", "ACTOR")])
    conll.write(iter([rec]), str(tmp_path / "b.conll"), SCHEME, options(tags="bilou"))
    assert [l.split()[1] for l in (tmp_path / "b.conll").read_text().splitlines()[2:7]] == \
        ["U-ACTOR", "U-ACTOR", "O", "B-ACTOR", "L-ACTOR"]
    conll.write(iter([rec]), str(tmp_path / "i.conll"), SCHEME, options(tags="iob1"))
    assert [l.split()[1] for l in (tmp_path / "i.conll").read_text().splitlines()[2:7]] == \
        ["I-ACTOR", "B-ACTOR", "O", "I-ACTOR", "I-ACTOR"]
    for tags, name in (("bilou", "b.conll"), ("iob1", "i.conll")):
        log = ProblemLog()
        items = list(conll.read(str(tmp_path / name), SCHEME, options(tags=tags), log))
        assert not log, log.lines()
        assert [s["text"] for s in items[0].record["spans"]] == ["Paul", "Marie", "Jean Dupont"]
        assert items[0].document.text == "Paul Marie et Jean Dupont ."


def test_read_conll2003_style_and_bad_tags(tmp_path):
    p = tmp_path / "c.conll"
    p.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n"
                 "Peter NNP B-NP B-PER\nBlackburn NNP B-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nBRUSSELS NNP B-NP B-LOC\n",
                 encoding="utf-8")
    from annotator.formats.common import known_names
    from annotator.formats.labelmap import LabelMap

    lm = LabelMap([("ORG", "ACTOR"), ("PER", "ACTOR"), ("LOC", "ACTOR"), ("MISC", "")], known=known_names(SCHEME))
    log = ProblemLog()
    items = list(conll.read(str(p), SCHEME, options(label_map=lm), log))
    assert not log, log.lines()
    assert [it.document.text for it in items] == ["EU rejects German\nPeter Blackburn", "BRUSSELS"]
    assert [s["text"] for s in items[0].record["spans"]] == ["EU", "Peter Blackburn"]
    p.write_text("Paul I-ACTOR\nx\nMarie X-ACTOR\n\nJean L-ACTOR\n", encoding="utf-8")
    log = ProblemLog()
    opts = options()
    assert not list(conll.read(str(p), SCHEME, opts, log))
    lines = log.lines()
    assert f"{p}:1: tag: I-ACTOR without a B-ACTOR before it (IOB2; --tags iob1" in lines[0]
    assert f"{p}:2: expected TOKEN ... TAG" in lines[1]
    assert f"{p}:3: tag: 'X-ACTOR' is not O or PREFIX-LABEL" in lines[2]
    assert f"{p}:5: tag: L-ACTOR: L- is not an IOB2 tag" in lines[3]
    assert any("no -DOCSTART-" in n for n in opts.notes.lines())


def test_spacy_convert_reads_the_export(tmp_path):
    pytest.importorskip("spacy")
    from spacy.training.converters import conll_ner_to_docs

    recs = sample_records()
    conll.write(iter(recs), str(tmp_path / "x.conll"), SCHEME, options(allow_lossy=True))
    docs = list(conll_ner_to_docs((tmp_path / "x.conll").read_text(encoding="utf-8")))
    assert len(docs) == 4
    assert "Élise Moreau" in [e.text for e in docs[0].ents]
    assert "« Nous resterons »" in [e.text for e in docs[0].ents]


def test_a_lossy_export_keeps_flat_memory_counting_losses_past_the_first_ones(tmp_path):
    """A loss per document grew the report without bound (conll and hf at 100k documents: twice
    the memory of 10k); the first LOSSES_KEPT are kept word for word, the others counted."""
    from annotator.formats.common import LOSSES_KEPT

    t = "La coalition internationale a parlé."
    recs = [record(f"d{i}", t, [span("a", t, "La coalition internationale", "ACTOR"), span("b", t, "coalition", "ACTOR")])
            for i in range(LOSSES_KEPT + 50)]
    report = conll.write(iter(recs), str(tmp_path / "x.conll"), SCHEME, options(allow_lossy=True))
    assert report.lost == LOSSES_KEPT + 50 and len(report.losses) == LOSSES_KEPT and report.lossy
    with pytest.raises(LossyExport) as exc:
        conll.write(iter(recs), str(tmp_path / "y.conll"), SCHEME, options())
    assert exc.value.total == LOSSES_KEPT + 50 and f"in {LOSSES_KEPT + 50} record(s)" in str(exc.value.summary)
