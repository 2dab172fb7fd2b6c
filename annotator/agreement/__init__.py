"""Inter-annotator agreement: pure functions over annotators' records (no Textual).

``corpus`` reads the records and matches documents; ``matching``, ``f1``, ``kappa``, ``alpha`` and
``attributes`` compute one kind of figure each; ``report`` puts them together (``agreement``) and
prints them (``render``). ``annotator agree`` is the command over them.
"""
