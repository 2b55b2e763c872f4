"""Network statistics must not identify a person in a small kommune: small counts are hidden, and so is whatever would give them away."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from domain.common import InvalidField

Key = Hashable  # any hashable naming one published quantity, e.g. ("total", "drammen", 2023)

SMALL = "small"  # 1..threshold: primary suppression
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Equation:
    """value[total] == sum(value[part] for part in parts)"""

    total: Key
    parts: tuple[Key, ...]


def protect(values: Mapping[Key, int], equations: Sequence[Equation], threshold: int) -> dict[Key, str]:
    """The keys to suppress, each with its reason (SMALL or COMPLEMENTARY)."""
    _check(values, equations, threshold)
    return {key: SMALL for key, value in values.items() if 1 <= value <= threshold}


def _check(values: Mapping[Key, int], equations: Sequence[Equation], threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise InvalidField("threshold", "må være et heltall fra og med 1")
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidField(f"values[{key!r}]", "må være et heltall som ikke er negativt")
    for equation in equations:
        for key in (equation.total, *equation.parts):
            if key not in values:
                raise InvalidField(f"equations[{key!r}]", "viser til en verdi som mangler")
        if values[equation.total] != sum(values[part] for part in equation.parts):
            raise InvalidField(
                f"equations[{equation.total!r}]",
                f"summen av delene er {sum(values[p] for p in equation.parts)}, ikke {values[equation.total]}",
            )
