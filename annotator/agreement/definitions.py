"""How the figures are defined, in words: for ``annotator agree --help`` and the JSON output
(kept apart from the numeric modules, so that building the command line imports no numpy)."""

PARTIAL_SCHEME = ("same label and at least one shared character; one-to-one, greedy by largest overlap "
                  "(ties: smallest boundary difference, then text order)")

UNIT_LABELS = ("a token (kappa) or character (alpha) takes the label of the innermost span it overlaps "
               "(shortest; equal lengths: first label in the scheme), else O")
