"""Generated run names."""

from __future__ import annotations

import re

from heron.store.tracking.names import ADJECTIVES, ANIMALS, generate_run_name


def test_generated_names_have_the_mlflow_shape() -> None:
    names = {generate_run_name() for _ in range(200)}
    assert all(re.fullmatch(r"[a-z]+-[a-z]+-\d{1,3}", name) for name in names)
    assert len(names) > 150


def test_longest_possible_name_fits_20_characters() -> None:
    longest = max(len(a) for a in ADJECTIVES) + max(len(n) for n in ANIMALS) + len("--999")
    assert longest <= 20
    assert min(len(ADJECTIVES), len(ANIMALS)) >= 100
