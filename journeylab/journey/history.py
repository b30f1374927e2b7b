"""Since the last report: per-customer snapshots, and what changed between two of them.

A snapshot (:func:`snapshot`) is one row per person (index ``person_id``: the canonical id, pseudonymised where
the shop's id was an e-mail address or phone number) with is_customer, segment, phase, status, involvement,
p_alive, expected_purchases and clv at one observation end. Every report run stores one beside summary.json
(journeylab.report.history); a new report of the same shop compares its snapshot with the last good run's.

:func:`compare` gives, between an earlier and a later snapshot:

- ``migration[column]`` for segment, phase and status: persons per (earlier value, later value); a person
  absent from the earlier snapshot comes from NOT_SEEN ("not yet seen"), one absent from the later goes to
  GONE ("no longer in the data"), a person without a value (a visitor has no RFM segment) is NONE; persons
  without a value in both snapshots are left out of that table;
- ``new_customers``: customers in the later snapshot who were no customer in the earlier one;
- ``newly_lost``: customers whose status is lost now and was not before (new customers included);
- ``gone``: customers of the earlier snapshot missing from the later one (data deleted, ids changed: with a
  lost or changed pseudonymisation key every customer looks new, see journeylab.data.pii);
- ``clv``: total CLV of all customers then and now, and of the customers present in both;
- ``kpis``: four figures per journey phase then and now (:func:`phase_kpi_changes`), each with whether its change
  is beyond noise.

A visitor is a person by the web shop's user id until she buys; from then on she is the customer, under the
customer id. So the later snapshot carries ``attrs["aliases"]`` (:func:`user_aliases`: user id -> person id), and
:func:`compare` follows them: the visitor of the earlier report who bought since moves from her phase then to her
phase now instead of "no longer in the data" and "not yet seen".

With no earlier snapshot (a first report) ``compare(None, later)`` says so (``first_run``), plainly, in
:func:`history_text`. Migration ids are those of the snapshot's columns plus NOT_SEEN, GONE and NONE; their
words come from journeylab.i18n (segments, phases, statuses) and ``journeylab/history_words.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from journeylab.data.config import load_yaml_data
from journeylab.errors import ConfigError
from journeylab.i18n import LANGUAGES, check_language
from journeylab.models.churn import STATUSES

SNAPSHOT_COLUMNS = ("is_customer", "segment", "phase", "status", "involvement", "p_alive", "expected_purchases", "clv")
MIGRATION_COLUMNS = ("segment", "phase", "status")
NOT_SEEN = "not_yet_seen"  # journeylab.journey.phases.NOT_SEEN: in the later snapshot only
GONE = "no_longer_seen"  # in the earlier snapshot only
NONE = "none"  # no value (a visitor's segment)
# The figures per phase that a report compares (phase_kpi_changes): a share (persons with the property / persons
# counted), judged against noise, or the mean of a model estimate over the phase's customers, not judged: each
# report fits its model again, and on eight pairs of simulated shops of the same making (1,500 buyers each) a test
# of those means over customers called the refit's shift "beyond noise" three times in four pairs, the shares never.
PHASE_KPIS = {"share_of_persons": "share", "share_at_risk_or_lost": "share", "p_alive": "model", "clv": "model"}
FALSE_DISCOVERY_RATE = 0.05


def user_aliases(shop: Any) -> pd.Series:
    """The web user ids that belong to a customer under another id (index user_id, values person_id: the customer
    id), from the shop's user map (journeylab.journey.levels.ensure_user_map); empty for a shop without events."""
    if not shop.has("events"):
        return pd.Series([], dtype=object, index=pd.Index([], name="user_id"), name="person_id")
    from journeylab.journey.levels import ensure_user_map

    table = ensure_user_map(shop)
    rows = shop.sql(f"SELECT user_id, customer_id AS person_id FROM {table} "
                    "WHERE customer_id IS NOT NULL AND customer_id <> user_id")
    return rows.set_index("user_id")["person_id"].astype(str).rename(index=str)


def snapshot(frame: pd.DataFrame, aliases: pd.Series | None = None) -> pd.DataFrame:
    """The snapshot of a per-person frame (journeylab.journey.audiences.person_frame, or any frame with
    SNAPSHOT_COLUMNS): those columns, ids as text, segment/phase/status/involvement as text ids (None where
    there is none). ``attrs["at"]``: the observation end, ``attrs["phases"]``: the phase model's phases in
    journey order, ``attrs["aliases"]``: ``aliases`` (:func:`user_aliases`), which :func:`compare` follows when
    this is the later snapshot (not stored: a snapshot read back is only ever the earlier one)."""
    missing = [c for c in SNAPSHOT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"a snapshot needs the columns {', '.join(missing)}")
    out = frame[list(SNAPSHOT_COLUMNS)].copy()
    out.index = out.index.astype(str)
    out.index.name = "person_id"
    out["is_customer"] = out["is_customer"].astype(bool)
    for col in ("segment", "phase", "status", "involvement"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    for col in ("p_alive", "expected_purchases", "clv"):
        out[col] = out[col].astype(float)
    rules = frame.attrs.get("rules")
    out.attrs["at"] = frame.attrs.get("at")
    out.attrs["phases"] = list(rules["phase"]) if rules is not None else []
    if aliases is not None:
        out.attrs["aliases"] = aliases
    return out


def follow_aliases(earlier: pd.DataFrame, aliases: pd.Series | None, later_ids: pd.Index) -> pd.DataFrame:
    """``earlier`` with the ids of visitors who have since become a customer (``aliases``: user id -> person id)
    replaced by that person id, where the user id is no longer a person of the later snapshot (``later_ids``).
    Two earlier persons that turn out to be one (two devices of one customer) count once: the one that was a
    customer, else the first."""
    if aliases is None or not len(aliases):
        return earlier
    ids = earlier.index.to_series()
    target = aliases.reindex(ids.index)
    move = target.notna() & ~ids.isin(later_ids)
    if not move.any():
        return earlier
    out = earlier.set_axis(pd.Index(ids.where(~move, target), name=earlier.index.name), axis="index")
    if out.index.has_duplicates:
        out = out.iloc[(~out["is_customer"].astype(bool)).to_numpy().argsort(kind="stable")]
        out = out[~out.index.duplicated()]
    out.attrs = dict(earlier.attrs)
    return out


def migration(earlier: pd.DataFrame, later: pd.DataFrame, column: str, order: list[str] | None = None) -> pd.DataFrame:
    """Persons per (value in ``earlier``, value in ``later``) of ``column``: rows "from" (NOT_SEEN first, then the
    values in ``order`` and any others, NONE), columns "to" (the values, NONE, GONE last); a value appears on both
    sides when either snapshot holds it. Persons without a value in both snapshots are not counted."""
    everyone = earlier.index.union(later.index)
    a = earlier[column].reindex(everyone).astype(object)
    b = later[column].reindex(everyone).astype(object)
    a = a.where(a.notna(), NONE).where(everyone.isin(earlier.index), NOT_SEEN)
    b = b.where(b.notna(), NONE).where(everyone.isin(later.index), GONE)
    keep = ~(a.isin([NONE, NOT_SEEN]) & b.isin([NONE, GONE]))
    a, b = a[keep], b[keep]
    values = list(order or [])
    values += sorted((set(a) | set(b)) - set(values) - {NONE, NOT_SEEN, GONE})
    held = [v for v in values if (a == v).any() or (b == v).any()]
    rows = [NOT_SEEN] * bool((a == NOT_SEEN).any()) + held + [NONE] * bool((a == NONE).any())
    cols = held + [NONE] * bool((b == NONE).any()) + [GONE] * bool((b == GONE).any())
    table = pd.crosstab(a.rename("from"), b.rename("to")).reindex(index=rows, columns=cols, fill_value=0)
    table.index.name, table.columns.name = "from", "to"
    return table.astype(int)


def seen_in_both(table: pd.DataFrame) -> pd.DataFrame:
    """A migration table (:func:`migration`) without the persons who lack a value in either snapshot: no NOT_SEEN
    or NONE row, no NONE or GONE column."""
    return table.drop(index=[NOT_SEEN, NONE], columns=[NONE, GONE], errors="ignore")


def stayed(table: pd.DataFrame) -> int:
    """Persons on the diagonal of a migration table: the same value in both snapshots."""
    return int(sum(table.loc[v, v] for v in table.index.intersection(table.columns)))


@dataclass
class Changes:
    """What changed between two snapshots (:func:`compare`); ``first_run`` when there was no earlier one."""

    first_run: bool
    earlier_at: Any = None
    later_at: Any = None
    migration: dict[str, pd.DataFrame] = field(default_factory=dict)
    new_customers: pd.Index = field(default_factory=lambda: pd.Index([], name="person_id"))
    newly_lost: pd.Index = field(default_factory=lambda: pd.Index([], name="person_id"))
    gone: pd.Index = field(default_factory=lambda: pd.Index([], name="person_id"))
    clv: dict[str, float | None] = field(default_factory=dict)
    customers: dict[str, int] = field(default_factory=dict)
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def moved(self) -> dict[str, int]:
        """Persons whose value of each MIGRATION_COLUMNS differs, both snapshots holding one."""
        out = {}
        for col, table in self.migration.items():
            inner = seen_in_both(table)
            out[col] = int(inner.to_numpy().sum()) - stayed(inner)
        return out

    def to_record(self) -> dict[str, Any]:
        """JSON-ready figures for summary.json (``since_last``): first_run, the observation ends, counts of new,
        newly lost and gone customers, moved per column, customers and CLV then and now, and the migration
        tables as {from: {to: persons}}."""
        if self.first_run:
            return {"first_run": True}
        return {"first_run": False, "previous_observation_end": _iso(self.earlier_at),
                "observation_end": _iso(self.later_at), "new_customers": len(self.new_customers),
                "newly_lost": len(self.newly_lost), "gone": len(self.gone), "moved": self.moved,
                "customers": self.customers, "clv": self.clv,
                "kpis": [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                         for row in self.kpis.reset_index().to_dict("records")],
                "migration": {c: {str(i): {str(k): int(v) for k, v in row.items() if v} for i, row in t.iterrows()}
                              for c, t in self.migration.items()}}


def _iso(value: Any) -> str | None:
    return None if value is None else pd.Timestamp(value).isoformat()


def compare(earlier: pd.DataFrame | None, later: pd.DataFrame) -> Changes:
    """What changed from snapshot ``earlier`` to ``later`` (see the module docstring); ``earlier`` None: the first run."""
    if earlier is None:
        return Changes(True, None, later.attrs.get("at"))
    earlier = follow_aliases(earlier, later.attrs.get("aliases"), later.index)
    orders = {"phase": later.attrs.get("phases") or earlier.attrs.get("phases") or None,
              "status": list(STATUSES), "segment": _segment_order()}
    mig = {c: migration(earlier, later, c, orders.get(c)) for c in MIGRATION_COLUMNS}
    is_cust = later["is_customer"].astype(bool)
    was = earlier["is_customer"].reindex(later.index, fill_value=False).astype(bool)
    new = later.index[is_cust & ~was]
    lost_before = earlier["status"].reindex(later.index).eq("lost")
    newly_lost = later.index[is_cust & later["status"].eq("lost") & ~lost_before]
    gone = earlier.index[earlier["is_customer"].astype(bool) & ~earlier.index.isin(later.index)]
    both = earlier.index[earlier["is_customer"].astype(bool)].intersection(later.index[is_cust])

    def total(frame: pd.DataFrame, idx: Any = None) -> float | None:
        v = frame["clv"] if idx is None else frame.loc[idx, "clv"]
        return float(v.sum()) if v.notna().any() else None

    clv = {"previous": total(earlier), "current": total(later), "previous_same_customers": total(earlier, both),
           "current_same_customers": total(later, both)}
    clv["change"] = None if clv["previous"] is None or clv["current"] is None else clv["current"] - clv["previous"]
    customers = {"previous": int(earlier["is_customer"].sum()), "current": int(is_cust.sum()), "in_both": int(len(both))}
    return Changes(False, earlier.attrs.get("at"), later.attrs.get("at"), mig, new.rename("person_id"),
                   newly_lost.rename("person_id"), gone.rename("person_id"), clv, customers,
                   phase_kpi_changes(earlier, later, orders["phase"]))


def _share_test(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of "the same share in both reports": Pearson's chi-squared test of the 2x2 table
    without continuity correction (equal to the two-proportion z-test). No change at all in a property nobody
    or everybody has is no evidence (1.0); an empty side cannot be judged (NaN)."""
    from scipy.stats import chi2_contingency

    if n1 == 0 or n2 == 0:
        return float("nan")
    if x1 + x2 in (0, n1 + n2):
        return 1.0
    return float(chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False).pvalue)


def phase_kpi_changes(earlier: pd.DataFrame, later: pd.DataFrame, phases: list[str] | None = None,
                      false_discovery_rate: float = FALSE_DISCOVERY_RATE) -> pd.DataFrame:
    """Four figures per journey phase in two snapshots, and whether each changed beyond noise.

    Per phase (rows in ``phases``' order, then any other phase the snapshots hold) and PHASE_KPIS:
    ``share_of_persons`` (persons in the phase / all persons), ``share_at_risk_or_lost`` (of the phase's customers
    with a status), ``p_alive`` and ``clv`` (means over the phase's customers with a value, CLV in the shop's
    currency). Columns: previous, current, change (current - previous), n_previous, n_current (persons or
    customers counted), p_value (the shares: Pearson's chi-squared test of the two reports' 2x2 table) and
    beyond_noise: the p-values of the whole table are adjusted for testing many figures at once
    (Benjamini-Hochberg), and a change is beyond noise when its adjusted p-value is below
    ``false_discovery_rate``. A NaN p-value is not judged (the model means, see PHASE_KPIS; an empty side).

    The test treats the two reports as independent samples. Most persons are in both, and a person's place then
    and now go together, so the true noise of a change is smaller than the test assumes: a change called beyond
    noise is one, a change called noise may still be real (conservative)."""
    from scipy.stats import false_discovery_control

    order = list(phases or [])
    order += sorted((set(earlier["phase"].dropna()) | set(later["phase"].dropna())) - set(order))
    risky = ("at_risk", "lost")
    rows = []
    for phase in order:
        side = [snap[snap["phase"] == phase] for snap in (earlier, later)]
        cust = [s[s["is_customer"].astype(bool)] for s in side]
        known = [c[c["status"].notna()] for c in cust]
        figures = {
            "share_of_persons": [(len(s), len(snap)) for s, snap in zip(side, (earlier, later))],
            "share_at_risk_or_lost": [(int(k["status"].isin(risky).sum()), len(k)) for k in known],
            "p_alive": [c["p_alive"].dropna() for c in cust],
            "clv": [c["clv"].dropna() for c in cust],
        }
        for kpi, (a, b) in figures.items():
            if PHASE_KPIS[kpi] == "share":
                prev = a[0] / a[1] if a[1] else np.nan
                cur = b[0] / b[1] if b[1] else np.nan
                row = dict(previous=prev, current=cur, n_previous=a[1], n_current=b[1], p_value=_share_test(*a, *b))
            else:
                row = dict(previous=a.mean() if len(a) else np.nan, current=b.mean() if len(b) else np.nan,
                           n_previous=len(a), n_current=len(b), p_value=np.nan)
            rows.append({"phase": phase, "kpi": kpi, **row})
    table = pd.DataFrame(rows, columns=["phase", "kpi", "previous", "current", "n_previous", "n_current", "p_value"])
    table["change"] = table["current"] - table["previous"]
    judged = table["p_value"].notna()
    table["p_adjusted"] = np.nan
    if judged.any():
        table.loc[judged, "p_adjusted"] = false_discovery_control(table.loc[judged, "p_value"].to_numpy(), method="bh")
    table["beyond_noise"] = table["p_adjusted"] < false_discovery_rate
    table = table.astype({"n_previous": int, "n_current": int, "previous": float, "current": float})
    return table.set_index(["phase", "kpi"])[["previous", "current", "change", "n_previous", "n_current", "p_value",
                                              "p_adjusted", "beyond_noise"]]


def _segment_order() -> list[str]:
    from journeylab.models.rfm import load_segment_map

    return list(load_segment_map().table["id"])


# ---------------------------------------------------------------- words
def history_words(source: str | Mapping | None = None) -> dict[str, dict[str, str]]:
    """The words of ``journeylab/history_words.yaml`` (id -> {lang: text}), checked for every language."""
    data = load_yaml_data(source, "history_words.yaml", "history words")
    words = data.get("words") or {}
    for key, texts in words.items():
        missing = [lang for lang in LANGUAGES if not isinstance(texts, Mapping) or not str(texts.get(lang) or "").strip()]
        if missing:
            raise ConfigError(f"history words {key}: no text in {', '.join(missing)}")
    return {k: dict(v) for k, v in words.items()}


def history_label(key: str, lang: str = "en") -> str:
    """The word of a history id (NOT_SEEN, GONE, NONE, ...) in ``lang``."""
    return history_words()[key][check_language(lang)]


def history_text(changes: Changes, lang: str = "en", currency: str = "EUR") -> str:
    """The plain sentence on what changed (numbers, money and dates in ``lang``'s locale), or that this is the
    first report and there is nothing to compare with. Plain text (escape it before putting it in Markdown)."""
    from journeylab.i18n import format_date, format_money, format_number

    words = history_words()
    check_language(lang)
    if changes.first_run:
        return words["first_run"][lang]
    change = changes.clv.get("change")
    sign = "+\u2060" if change is not None and change > 0 else ""  # a word joiner: "+" never ends a line
    return words["since_last"][lang].format(
        previous=format_date(pd.Timestamp(changes.earlier_at).date(), lang) if changes.earlier_at is not None else "–",
        new=format_number(len(changes.new_customers), lang), lost=format_number(len(changes.newly_lost), lang),
        moved=format_number(changes.moved.get("segment", 0), lang),
        clv_change="–" if change is None else sign + format_money(change, currency, lang))


__all__ = ["Changes", "FALSE_DISCOVERY_RATE", "GONE", "MIGRATION_COLUMNS", "NONE", "NOT_SEEN", "PHASE_KPIS",
           "SNAPSHOT_COLUMNS", "compare", "follow_aliases", "seen_in_both", "stayed", "history_label", "history_text", "history_words",
           "migration", "phase_kpi_changes", "snapshot", "user_aliases"]
