"""The masker's trie matcher finds exactly what the plain rule finds: at each position the
longest listed or shielding name, listed names inside a longer shield left alone."""

from __future__ import annotations

import random
import re

from site_builder.masking import NameMasker


def reference_spans(masker: NameMasker, text: str) -> list[tuple[int, int]]:
    """The rule written plainly: one lookahead alternation, longest first, at every position."""
    every = masker.names | {s for s in masker.shields if any(n in s for n in masker.names)}
    ordered = sorted(every, key=lambda n: (-len(n), n))
    pattern = re.compile("(?=(" + "|".join(re.escape(n) for n in ordered) + "))")
    listed, shielding = [], []
    for found in pattern.finditer(text):
        span = (found.start(), found.start() + len(found.group(1)))
        (listed if found.group(1) in masker.names else shielding).append(span)
    return [
        (a, b)
        for a, b in listed
        if not any(s <= a and b <= e and e - s > b - a for s, e in shielding)
    ]


def test_trie_matcher_agrees_with_the_plain_rule_on_random_texts() -> None:
    rng = random.Random(18)
    chars = "王刘张伟海涛欧阳芳东·某"
    for _ in range(300):
        names = {"".join(rng.choices(chars[:8], k=rng.randint(2, 4))) for _ in range(6)}
        names.add("买买提·艾力")
        shields = {n + rng.choice(chars) for n in names if rng.random() < 0.4}
        shields |= {rng.choice(chars) + n for n in names if rng.random() < 0.3}
        masker = NameMasker(frozenset(names), frozenset(shields - names))
        for _ in range(10):
            text = "".join(rng.choices(chars + "，。的", k=rng.randint(0, 30)))
            assert masker._spans(text) == reference_spans(masker, text), (names, shields, text)
            found = sorted({text[a:b] for a, b in reference_spans(masker, text)})
            assert masker.found_in(text) == found


def test_masking_overlapping_and_shielded_names() -> None:
    masker = NameMasker(frozenset({"张伟", "伟东", "欧阳海", "欧阳海涛"}), frozenset({"张伟东风"}))
    assert masker.mask("张伟东风和张伟东、欧阳海涛") == "张伟东风和张某东、欧阳某某"
    assert masker.found_in("张伟东风") == [] and masker.found_in("张伟东") == ["伟东", "张伟"]
