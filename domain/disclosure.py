"""Network statistics must not identify a person in a small kommune: small counts are hidden, and so is whatever would give them away."""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from math import gcd
from typing import Generic, TypeVar, cast

from domain.common import DomainError, InvalidField

# A hashable naming one published quantity, e.g. ("total", "drammen", 2023); one kind of key per call.
Key = TypeVar("Key", bound=Hashable)

SMALL = "small"  # 1..threshold: primary suppression
COMPLEMENTARY = "complementary"
KEPT = "kept"  # hidden in an earlier release and unchanged since: stays hidden

# Weights of the search for a closing chain: value first, a hidden zero only when nothing else closes the chain
# (with non-negative counts a hidden 0 gives a bound away), a total only on a tie.
_ZERO_WEIGHT = 10**12


class AlreadyShown(DomainError):
    """A count that must be hidden follows from what is shown (in this release, or as a sum in an earlier one):
    nothing can protect it, so the release is not made."""


@dataclass(frozen=True)
class Equation(Generic[Key]):
    """value[total] == sum(value[part] for part in parts)"""

    total: Key
    parts: tuple[Key, ...]


def protect(
    values: Mapping[Key, int],
    equations: Sequence[Equation[Key]],
    threshold: int,
    *,
    shown: Set[Key] = frozenset(),
    kept: Set[Key] = frozenset(),
) -> dict[Key, str]:
    """The keys to suppress, each with its reason (SMALL, COMPLEMENTARY or KEPT).

    `shown`: keys already published, so known to every reader: never hidden, never a complement. `kept`: keys
    hidden before, which stay hidden and must stay impossible to work out (an earlier release's, see protect_release).
    """
    _check(values, equations, threshold)
    for name, keys in (("shown", shown), ("kept", kept)):
        if not set(keys) <= values.keys():
            raise InvalidField(name, "viser til en nøkkel som ikke har noen verdi")
    if set(shown) & set(kept):
        raise InvalidField("kept", "en nøkkel kan ikke både være vist og skjult")
    return _Suppression(values, equations, threshold, shown, kept).run()


@dataclass(frozen=True)
class Release(Generic[Key]):
    """One published release of linked tables: every cell's value when it was made, its sums, the cells it hid."""

    values: Mapping[Key, int]
    equations: Sequence[Equation[Key]]
    hidden: frozenset[Key]


def protect_release(
    earlier: Sequence[Release[Key]], values: Mapping[Key, int], equations: Sequence[Equation[Key]], threshold: int
) -> frozenset[Key]:
    """The cells to hide in the next release, so that no combination of its numbers and every earlier release's
    fixes a hidden cell of any of them.

    A reader is taken to know which cells kept their value since the latest release they were in (an office's row
    when another office leaves, say): such a cell is the same unknown in both. Shown there, it is shown again with the
    same value; hidden there, it stays hidden. A changed cell is a new unknown, and the new release's suppression is
    chosen over all releases' sums together (protect with `shown` and `kept`), so a total that moved because an
    office left or joined cannot be set against the earlier total. Raises AlreadyShown when a count to hide follows
    from what earlier releases show (say a national total that is now the sum of two offices' hidden counts, whose
    sum was given away by an earlier release): that release is not made.
    """
    releases = [*earlier, Release(values, equations, frozenset())]
    latest: dict[Key, tuple[int, int]] = {}  # cell: (its value, the release its unknown began in)
    combined: dict[Hashable, int] = {}
    sums: list[Equation[Hashable]] = []
    shown: set[Hashable] = set()
    hidden: set[Hashable] = set()
    current: dict[Key, Hashable] = {}
    owner: dict[Hashable, Key] = {}
    for number, release in enumerate(releases):
        unknown: dict[Key, Hashable] = {}
        for key, value in release.values.items():
            before = latest.get(key)
            began = before[1] if before is not None and before[0] == value else number
            latest[key] = (value, began)
            flat = type(key) is tuple  # flat: sorts fast (_stable); a tuple's subclass stays whole
            name = (began, *cast(tuple[Hashable, ...], key)) if flat else (began, key)
            if owner.setdefault(name, key) != key:
                raise InvalidField("values", f"{key!r} og {owner[name]!r} kan ikke skilles fra hverandre")
            unknown[key] = name
            combined[name] = value
        for equation in release.equations:
            sums.append(Equation(unknown[equation.total], tuple(unknown[part] for part in equation.parts)))
        if number < len(earlier):
            shown.update(unknown[key] for key in release.values if key not in release.hidden)
            hidden.update(unknown[key] for key in release.hidden)
        current = unknown
    suppressed = protect(combined, sums, threshold, shown=shown, kept=hidden - shown)
    return frozenset(key for key, unknown in current.items() if unknown in suppressed)


def _check(values: Mapping[Key, int], equations: Sequence[Equation[Key]], threshold: int) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise InvalidField("threshold", "må være et heltall fra og med 1")
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidField(f"values[{key!r}]", "må være et heltall som ikke er negativt")
    for equation in equations:
        if not isinstance(equation, Equation):
            raise InvalidField("equations", "må være en liste av Equation")
        for key in (equation.total, *equation.parts):
            if key not in values:
                raise InvalidField(f"equations[{equation.total!r}]", f"viser til {key!r}, som ikke har noen verdi")
        parts = sum(values[part] for part in equation.parts)
        if values[equation.total] != parts:
            raise InvalidField(
                f"equations[{equation.total!r}]",
                f"summen av delene er {parts}, men totalen er {values[equation.total]}",
            )


_PLAIN = (str, int, type(None))


def _stable(key: object) -> str:
    """A text for a key that does not depend on set order or hash seeds, to sort by."""
    if type(key) in _PLAIN or (type(key) is tuple and all(type(part) in _PLAIN for part in key)):
        return repr(key)
    if isinstance(key, tuple):
        return "(" + ", ".join(map(_stable, key)) + ")"
    if isinstance(key, frozenset | set):
        return "{" + ", ".join(sorted(map(_stable, key))) + "}"
    return repr(key)


class _Suppression(Generic[Key]):
    """One run of protect(), over all tables of a report at once, so a count hidden in one table can't be worked
    out from another.

    - The published quantities are linked by equations `total = part + part + …`. With the published values moved
      to the right-hand side, a hidden key `s` can be worked out exactly iff the unit vector of `s` lies in the row
      space of the equations restricted to the hidden keys; in matroid terms iff `s` is a coloop of the hidden
      keys' columns. Only the matrix matters, never the values.
    - The restricted matrix is kept in reduced row echelon form in exact integers (rows may be scaled, never
      rounded), with the combination of the original equations that made each row. Hiding a key adds one column,
      transformed by those combinations, without redoing the elimination. A hidden key can be worked out iff it
      is a pivot whose row holds nothing else. Rows only meet through shared keys, so the work stays within the
      connected parts of the report.
    - A key that can be worked out gets a complement: first a published key sharing an equation with it that
      alone puts it in a dependent set (the preferred first); else the cheapest chain of published keys that
      closes a cycle through it in the graph of equations; else the preferred neighbour, and the check runs
      again. The exact rows decide; the graph only proposes.
    - Last, every complement that no hidden key needs is shown again, the dearest first.

    Keys and equations are numbered in a canonical order first, so the input's order never matters.
    """

    def __init__(
        self,
        values: Mapping[Key, int],
        equations: Sequence[Equation[Key]],
        threshold: int,
        shown: Set[Key] = frozenset(),
        kept: Set[Key] = frozenset(),
    ) -> None:
        self.keys = sorted(values, key=_stable)  # canonical numbering: the input's order never matters
        number = {key: i for i, key in enumerate(self.keys)}
        self.value = [values[key] for key in self.keys]
        self.threshold = threshold
        rows = set()
        for equation in equations:
            coefficients: dict[int, int] = {}
            total = number[equation.total]
            coefficients[total] = 1
            for part in equation.parts:
                k = number[part]
                coefficients[k] = coefficients.get(k, 0) - 1
            row = tuple(sorted((k, a) for k, a in coefficients.items() if a))
            if row:
                rows.add(row)
        self.equations = sorted(rows)
        n = len(self.keys)
        self.is_total = [False] * n
        for equation in equations:
            self.is_total[number[equation.total]] = True
        self.in_equations: list[list[tuple[int, int]]] = [[] for _ in range(n)]  # key: (equation, coefficient)
        for e, row in enumerate(self.equations):
            for k, a in row:
                self.in_equations[k].append((e, a))
        m = len(self.equations)
        # Row i of the reduced matrix is combination[i] applied to the equations; hidden[i] is its part over the
        # hidden keys. Every pivot key appears in its own row only; rows without a pivot have no hidden part.
        self.combination: list[dict[int, int]] = [{e: 1} for e in range(m)]
        self.combination_by_equation: list[dict[int, int]] = [{e: 1} for e in range(m)]
        self.hidden: list[dict[int, int]] = [{} for _ in range(m)]
        self.pivot_of_row: list[int] = [-1] * m
        self.row_of_pivot: dict[int, int] = {}
        self.recoverable: set[int] = set()
        self.queue: list[tuple[tuple[int, int], int]] = []
        self.reason: dict[int, str] = {}
        # Known to the reader (shown before, or worked out from the equations alone): hiding them protects nothing.
        self.unusable: set[int] = {number[key] for key in shown}
        self.kept = {number[key] for key in kept}
        # A hidden 0 gives itself away to anyone who knows counts are not negative (hidden cells of a sum that shows
        # 0 are all 0): a 0 is always shown, never a complement.
        self.unusable.update(k for k in range(n) if not self.value[k] and k not in self.kept)
        self.grounded = [k for k in range(n) if len(self.in_equations[k]) == 1]  # in one equation only
        self.by_preference: dict[int, list[int]] = {}  # equation: its keys, the preferred complement first
        self.edges: dict[int, list[tuple[int, int, int]]] = {}  # node of the search for a closing chain

    def run(self) -> dict[Key, str]:
        for k, value in enumerate(self.value):
            if k in self.kept:
                self.reason[k] = KEPT
                self._hide(k)
            elif 1 <= value <= self.threshold and k not in self.unusable:
                self.reason[k] = SMALL
                self._hide(k)
        while self.queue:
            _, s = heapq.heappop(self.queue)
            if s not in self.recoverable:
                continue
            complements = self._complements(s)
            if not complements:
                # Nothing published is left around s: the equations alone give its value, which is then 0.
                if self.reason[s] != COMPLEMENTARY:
                    raise AlreadyShown(f"values[{self.keys[s]!r}]", "skal skjules, men følger av det som er vist")
                self._publish(s)
                continue
            for c in complements:
                self.reason[c] = COMPLEMENTARY
                self._hide(c)
            if s in self.recoverable:
                heapq.heappush(self.queue, (self._order(s), s))
        self._prune()
        return {self.keys[k]: reason for k, reason in sorted(self.reason.items())}

    def _prune(self) -> None:
        """Shows again every complement that no hidden key needs, the dearest first, until none can go."""
        changed = True
        while changed:
            changed = False
            complements = [k for k, reason in self.reason.items() if reason == COMPLEMENTARY]
            for c in sorted(complements, key=self._preference, reverse=True):
                if c in self.row_of_pivot:
                    self._make_free(c)
                column = self._column(c)
                if all(len(self.hidden[i]) > 2 for i in column):
                    for i in column:
                        del self.hidden[i][c]
                    del self.reason[c]
                    changed = True

    def _make_free(self, c: int) -> None:
        """Moves the pivot of c's row to another hidden key of that row, so that c is outside the basis."""
        p = self.row_of_pivot.pop(c)
        others = sorted(k for k in self.hidden[p] if k != c)
        if not others:
            raise InvalidField(f"values[{self.keys[c]!r}]", "kan regnes ut etter undertrykkingen")
        f = others[0]
        x = self.hidden[p][f]
        for i, y in self._column(f).items():
            if i != p:
                self._eliminate(i, p, y, x)
        self.pivot_of_row[p] = f
        self.row_of_pivot[f] = p

    def _order(self, k: int) -> tuple[int, int]:
        return (self.value[k], k)

    def _preference(self, k: int) -> tuple[bool, int, bool, int]:
        value = self.value[k]
        return (value == 0, value, self.is_total[k], k)

    # --- the exact part: reduced rows over the hidden keys ---------------------------------------------------

    def _column(self, c: int) -> dict[int, int]:
        """Key c's column in the reduced rows: the combinations applied to its coefficients."""
        column: dict[int, int] = {}
        for e, a in self.in_equations[c]:
            for i, m in self.combination_by_equation[e].items():
                column[i] = column.get(i, 0) + m * a
        return {i: x for i, x in column.items() if x}

    def _hide(self, c: int) -> None:
        column = self._column(c)
        free_rows = [i for i in column if self.pivot_of_row[i] < 0]
        if free_rows:
            # c is independent of the hidden keys: it becomes a pivot and, for now, can be worked out itself.
            p = min(free_rows, key=lambda i: (len(self.combination[i]), i))
            x = column[p]
            for i, y in column.items():
                if i != p:
                    self._eliminate(i, p, y, x)
            self.hidden[p] = {c: x}
            self.pivot_of_row[p] = c
            self.row_of_pivot[c] = p
            self.recoverable.add(c)
            heapq.heappush(self.queue, (self._order(c), c))
            return
        # c depends on the hidden keys: every pivot in its combination now shares a dependent set with it.
        for i, y in column.items():
            row = self.hidden[i]
            row[c] = y
            if len(row) == 2:
                self.recoverable.discard(self.pivot_of_row[i])

    def _eliminate(self, i: int, p: int, y: int, x: int) -> None:
        """Row i minus (y/x) row p (both parts); row i is scaled to stay in integers."""
        if y % x == 0:
            scale, factor = 1, y // x
        else:
            g = gcd(x, y)
            scale, factor = x // g, y // g
        combination, hidden = self.combination[i], self.hidden[i]
        if scale != 1:
            for e in combination:
                combination[e] *= scale
                self.combination_by_equation[e][i] = combination[e]
            for k in hidden:
                hidden[k] *= scale
        for e, m in self.combination[p].items():
            new = combination.get(e, 0) - factor * m
            if new:
                combination[e] = new
                self.combination_by_equation[e][i] = new
            else:
                del combination[e]
                del self.combination_by_equation[e][i]
        for k, m in self.hidden[p].items():
            new = hidden.get(k, 0) - factor * m
            if new:
                hidden[k] = new
            else:
                del hidden[k]
        if scale != 1:
            self._reduce(i)

    def _reduce(self, i: int) -> None:
        combination, hidden = self.combination[i], self.hidden[i]
        g = 0
        for x in (*combination.values(), *hidden.values()):
            g = gcd(g, x)
        if g > 1:
            for e in combination:
                combination[e] //= g
                self.combination_by_equation[e][i] = combination[e]
            for k in hidden:
                hidden[k] //= g

    def _publish(self, s: int) -> None:
        """Shows s again: a key that can be worked out is in no dependent set, so no other key's state changes."""
        p = self.row_of_pivot.pop(s)
        self.hidden[p] = {}
        self.pivot_of_row[p] = -1
        self.recoverable.discard(s)
        del self.reason[s]
        self.unusable.add(s)

    def _closes(self, c: int, row: int) -> bool:
        """Would hiding c put the pivot of `row` in a dependent set?"""
        combination = self.combination[row]
        if not sum(combination.get(e, 0) * a for e, a in self.in_equations[c]):
            return False
        free: dict[int, int] = {}
        for e, a in self.in_equations[c]:
            for i, m in self.combination_by_equation[e].items():
                if self.pivot_of_row[i] < 0:
                    free[i] = free.get(i, 0) + m * a
        return not any(free.values())

    # --- the choice of complements ---------------------------------------------------------------------------

    def _published(self, k: int) -> bool:
        return k not in self.reason and k not in self.unusable

    def _complements(self, s: int) -> list[int]:
        row = self.row_of_pivot[s]
        first = None
        for c in self._neighbours(s):
            if first is None:
                first = c
            if self._closes(c, row):
                return [c]
        chain = self._chain(s)
        if chain:
            return chain
        if first is not None:
            return [first]
        # Further out: any published key in the equations that make up s's row.
        further = {k for e in self.combination[row] for k, _ in self.equations[e] if self._published(k)}
        return sorted(further, key=self._preference)[:1]

    def _neighbours(self, s: int) -> Iterator[int]:
        """The published keys that share an equation with s, the preferred first."""
        lists = []
        for e, _ in self.in_equations[s]:
            if e not in self.by_preference:
                self.by_preference[e] = sorted((k for k, _ in self.equations[e]), key=self._preference)
            lists.append(self.by_preference[e])
        previous = None
        for k in heapq.merge(*lists, key=self._preference):
            if k != previous and self._published(k):
                yield k
            previous = k

    def _weight(self, k: int) -> int:
        value = self.value[k]
        if value == 0:
            return _ZERO_WEIGHT
        return 2 * value + 2 + self.is_total[k]

    def _chain(self, s: int) -> list[int]:
        """The published keys of the cheapest path that joins s's equations around s (a key in one equation
        joins it to a common ground node), or [] if there is none."""
        equations = [e for e, _ in self.in_equations[s]]
        if not equations:
            return []
        source = equations[0]
        targets = set(equations[1:]) or {len(self.equations)}
        hidden, unusable = self.reason, self.unusable
        distance = {source: 0}
        via: dict[int, tuple[int, int]] = {}
        heap = [(0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > distance[node]:
                continue
            if node in targets:
                chain = []
                while node != source:
                    k, node = via[node]
                    if self._published(k):
                        chain.append(k)
                return sorted(chain, key=self._preference)
            for k, other, weight in self._edges(node):
                nd = d if k in hidden else d + weight
                if nd < distance.get(other, nd + 1) and k != s and k not in unusable:
                    distance[other] = nd
                    via[other] = (k, node)
                    heapq.heappush(heap, (nd, other))
        return []

    def _edges(self, node: int) -> list[tuple[int, int, int]]:
        """(key, the node it leads to, its weight) for every key of an equation, or of the ground node."""
        edges = self.edges.get(node)
        if edges is None:
            ground = len(self.equations)
            if node == ground:
                edges = [(k, self.in_equations[k][0][0], self._weight(k)) for k in self.grounded]
            else:
                edges = []
                for k, _ in self.equations[node]:
                    ends = [e for e, _ in self.in_equations[k] if e != node] or [ground]
                    edges.extend((k, other, self._weight(k)) for other in ends)
            self.edges[node] = edges
        return edges
