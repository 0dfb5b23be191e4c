"""How YAML 1.1's safe loader types the plain scalars a folder mostly holds, without
loading PyYAML (a fifth of a plan's imports).

The loader looks a plain scalar's implicit resolvers up by its first character. For
almost every value of a config folder that settles it:

- a first character no resolver is registered for: text (``orders``, ``between``, a
  description);
- a first character that only the boolean and null resolvers take (``yYnNtTfFoO``):
  one of their exact words, or else text (``null``, ``true``, ``notNull``, ``table_01``);
- ``~`` alone: null; a decimal integer without a leading zero, a ``+`` or a ``_``: an int;
  digits, a point and digits (an exponent with its sign after them): a float, unless it
  is beyond a float's range.

Anything else (``.5``, ``1e5``, octal, hexadecimal, sexagesimal, timestamps, ``<<``) is
:data:`UNSURE`, and PyYAML's own resolver decides (:mod:`qualytics_ci.folder.libyaml`,
loaded then). tests/engine/test_scalars.py holds these rules to PyYAML's tables and
answers, for the loader's and the dumper's, on generated scalars.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = (TAG + "str", TAG + "null", TAG + "bool", TAG + "int",
                               TAG + "float")

UNSURE: Final = object()  # left to PyYAML's resolver

# every first character PyYAML's safe loader and dumper register an implicit resolver for
RESOLVER_FIRST = frozenset("!&*+-.0123456789<=FNOTYfnoty~")
WORDS_ONLY = frozenset("FNOTYfnoty")  # first characters only the bool and null words take
WORDS: dict[str, Any] = {
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
    **dict.fromkeys(("yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"), True),
    **dict.fromkeys(("no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"), False),
}
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")
_POINT = re.compile(r"-?[0-9]+\.[0-9]+(?:[eE][-+][0-9]+)?")


def typed(text: str) -> Any:
    """The value plain ``text`` reads as (itself when it is text), or :data:`UNSURE`."""
    if not text:
        return None
    if text[0] not in RESOLVER_FIRST:
        return text
    if text in WORDS:
        return WORDS[text]
    if text[0] in WORDS_ONLY:
        return text
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _POINT.fullmatch(text):
        value = float(text)
        # beyond a float's range it reads as infinity, which the format refuses (libyaml's
        # path says so, at its line)
        return value if math.isfinite(value) else UNSURE
    return UNSURE


def tag(text: str) -> str | None:
    """The tag plain ``text`` resolves to (:data:`STR` for text); None when unsure."""
    value = typed(text)
    if value is UNSURE:
        return None
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, float):
        return FLOAT
    return INT if isinstance(value, int) else STR
