"""Checks of the same rule on the same fields share a stem: sorted by uid, the first takes
it, the others the first free ``_2``, ``_3``... even where another check's own stem
already ends that way."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualytics_ci.folder.model import Check, Config
from qualytics_ci.folder.writer import layout


def check(uid: str, field: str, container: str = "orders") -> Check:
    return Check(uid, {"rule_type": "between", "container": container, "fields": [field]},
                 "wh", container, uid=uid)


def names(checks: list[Check]) -> dict[str, str]:
    """uid -> file name."""
    return {e.ident: rel.rsplit("/", 1)[1] for rel, e in layout(Config.of(checks)).items()
            if e.kind == "check"}


def test_alike_checks_are_numbered_past_a_stem_that_is_taken() -> None:
    assert names([check("u1", "amount"), check("u2", "amount_2"), check("u3", "amount"),
                  check("u4", "amount"), check("u5", "amount_2")]) == {
        "u1": "between__amount.yaml", "u2": "between__amount_2.yaml",
        "u3": "between__amount_3.yaml", "u4": "between__amount_4.yaml",
        "u5": "between__amount_2_2.yaml"}


def first_free(stems: list[str]) -> list[str]:
    """The rule itself: each stem in turn gets the first of stem, stem_2... not taken."""
    taken: set[str] = set()
    out = []
    for stem in stems:
        name, n = stem, 2
        while name in taken:
            name, n = f"{stem}_{n}", n + 1
        taken.add(name)
        out.append(name)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["amount", "amount_2", "amount_3", "amount_2_2"]),
                          st.sampled_from(["orders", "Orders", "lines"])), max_size=30))
def test_file_names_follow_the_rule_in_every_folder(fields: list[tuple[str, str]]) -> None:
    checks = [check(f"u{i:03}", field, container) for i, (field, container)
              in enumerate(fields)]
    found = names(checks)
    for container in {c for _, c in fields}:
        mine = [c for c in checks if c.container == container]
        expected = first_free([f"between__{c.fields[0]}" for c in mine])
        assert [found[c.uid] for c in mine] == [f"{n}.yaml" for n in expected]
