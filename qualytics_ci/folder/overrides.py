"""Per-environment overrides: ``overrides/<env>/`` laid out like the folder itself.

A file at the same relative path as a base file is deep-merged over it
(mappings merged key by key, lists and scalars replaced); a file with no base
counterpart adds an entity; a file containing ``_delete: true`` removes the base
entity from that environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qualytics_ci.folder.yamlio import Doc

DELETE_KEY = "_delete"


def deep_merge(base: Any, over: Any) -> Any:
    """``over`` on top of ``base``: mappings merge recursively, anything else replaces."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over


def apply(docs: Mapping[str, Doc], over_docs: Mapping[str, Doc], *,
          prefix: str) -> dict[str, Doc]:
    """The base documents with the environment's documents applied."""
    result = dict(docs)
    for rel, over in sorted(over_docs.items()):
        data = over.data
        if isinstance(data, Mapping) and data.get(DELETE_KEY) is True:
            result.pop(rel, None)
            continue
        if isinstance(data, Mapping):
            data = {k: v for k, v in data.items() if k != DELETE_KEY}
        base = result.get(rel)
        if base is None:
            result[rel] = Doc(data, over.lines, source=prefix + rel)
        else:
            result[rel] = Doc(deep_merge(base.data, data), base.lines, source=base.source)
    return result
