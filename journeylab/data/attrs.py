"""Tables kept in a result's ``attrs`` (the rule table a result was made with, cohort sizes).

pandas compares the ``attrs`` of frames with ``==`` when it concatenates or merges them (to decide
whether the result keeps them). A plain DataFrame or Series there makes that comparison ambiguous, so
``pd.concat([phases_shop_a, phases_shop_b])`` would fail with "The truth value of a DataFrame is
ambiguous". These subclasses compare as a whole (``equals``) and are otherwise ordinary pandas objects.
"""
from __future__ import annotations

import copy
from typing import Any

import pandas as pd


class _WholeEquality:
    """``a == b`` is True when both hold the same values (``equals`` of the plain pandas type ``_plain``)."""

    _plain: type

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return isinstance(other, self._plain) and self._plain(self).equals(self._plain(other))

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __deepcopy__(self, memo: dict | None = None) -> Any:
        # pandas deep-copies attrs into every derived frame: the copy must keep this class, and its own attrs
        # (a phase rule table's words)
        out = type(self)(self._plain(self).copy(deep=True))
        out.attrs = copy.deepcopy(dict(self.attrs), memo)
        return out

    __hash__ = None  # type: ignore[assignment]


class AttrFrame(_WholeEquality, pd.DataFrame):
    """A DataFrame for ``attrs`` that compares as a whole."""

    _plain = pd.DataFrame


class AttrSeries(_WholeEquality, pd.Series):
    """A Series for ``attrs`` that compares as a whole."""

    _plain = pd.Series
