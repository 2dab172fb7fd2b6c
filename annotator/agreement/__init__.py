"""Inter-annotator agreement: pure functions over annotators' records (no Textual).

``reading`` reads records (files in parallel parts, the store, one document's spans) into
``batch`` columns, which ``corpus`` joins, matching documents; ``units`` turns spans into per-token
and per-character labels; ``matching``, ``f1``, ``kappa``, ``alpha`` and ``attributes`` compute one
kind of figure each, for the whole corpus at once; ``report`` puts them together (``agreement``)
into a ``figures.Figures``, typed objects that print themselves as JSON; ``definitions`` says in
words how they are defined. ``spans`` holds :class:`Mark`, a span by value, which the review's
merge uses too. ``annotator agree`` (annotator.cli.agree_cmd) is the command over them, and
annotator.cli.agree_tables prints the figures as tables.
"""


def missing_packages() -> list[str]:
    """The optional packages the figures need (the ``agree`` extra) that are not installed."""
    from importlib.util import find_spec

    return [name for name in ("numpy", "krippendorff") if find_spec(name) is None]
