"""Tables kept in a result's ``attrs`` (the rule table a result was made with, cohort sizes).

pandas compares the ``attrs`` of frames with ``==`` when it concatenates or merges them (to decide
whether the result keeps them). A plain DataFrame or Series there makes that comparison ambiguous, so
``pd.concat([phases_shop_a, phases_shop_b])`` would fail with "The truth value of a DataFrame is
ambiguous". These subclasses compare as a whole (``equals``) and are otherwise ordinary pandas objects.
"""
from __future__ import annotations

import pandas as pd


class AttrFrame(pd.DataFrame):
    """A DataFrame for ``attrs``: ``a == b`` is True when both hold the same values (DataFrame.equals)."""

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return isinstance(other, pd.DataFrame) and pd.DataFrame(self).equals(pd.DataFrame(other))

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __deepcopy__(self, memo: dict | None = None) -> "AttrFrame":
        # pandas deep-copies attrs into every derived frame: the copy must stay an AttrFrame
        return AttrFrame(pd.DataFrame(self).copy(deep=True))

    __hash__ = None  # type: ignore[assignment]


class AttrSeries(pd.Series):
    """A Series for ``attrs``: ``a == b`` is True when both hold the same values (Series.equals)."""

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return isinstance(other, pd.Series) and pd.Series(self).equals(pd.Series(other))

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __deepcopy__(self, memo: dict | None = None) -> "AttrSeries":
        return AttrSeries(pd.Series(self).copy(deep=True))

    __hash__ = None  # type: ignore[assignment]
