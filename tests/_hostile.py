"""A hostile simulated shop (issue 13, point 5): every text field of the data and the config carries markup,
script, event handlers, Markdown, formula prefixes or very long strings.

``hostile_shop(folder, lang)`` writes a small simulated shop (journeylab.simulate.write_shop), rewrites its
tables so that every free-text value carries one of ``PAYLOADS`` (mapped one to one onto the existing values,
so the shop's structure -- who bought what, when, for how much -- is unchanged), and writes a client config
``client-<lang>.yaml`` whose shop name and report title are hostile too. The tables are written once per
folder; a second call (the other language) only adds its config.

What stays canonical, because the loader and the analyses depend on it: event types, involvement levels
(low/high) and cancelled order statuses. Page types keep their canonical value in front (the journey code
matches ``page_type LIKE 'research%'``).

Every payload carries a marker (JLX<n>) placed so that, should the payload ever become markup, the marker
lands inside a tag name, an attribute, a comment or a script/style body -- never in plain text. Escaped
properly, markers appear only as text. ``LITERALS`` are fragments that must survive as text wherever their
marker shows (Markdown syntax that would otherwise be rendered away).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import yaml

from journeylab.data.contract import CANCELLED_STATUSES
from journeylab.simulate import write_shop

N_CUSTOMERS = 1500
SEED = 13
TABLES = ("orders", "order_lines", "products", "events", "reviews")
OBSERVATION_END = "2024-12-31"

LONG = ("JLX21 a very long value " + "that goes on and on, " * 30)[:500]

PAYLOADS: list[str] = [
    # channels get the first seven (UTM parameters: anyone can put them in a link)
    '<script>alert("JLX1")</script>',
    '<img src=x onerror=alert("JLX2")>',
    '[JLX3 click](javascript:alert("JLX3"))',
    '![JLX4](http://evil.example/JLX4.png)',
    '=HYPERLINK("http://evil.example","JLX5")',
    '</table></div><iframe src="http://evil.example/JLX13"></iframe>',
    '"><svg onload=alert("JLX14")>',
    # categories
    '+JLX6-1',
    '<b class="JLX9" onmouseover=alert(1)>bold</b>',
    LONG,
    '@JLX7',
    '-JLX8+1',
    # devices, order status
    '**JLX10** _x_ `y` # heading',
    '$\\frac{JLX11}{2}$ $$ {{JLX12}} {% raw %}',
    "' OR 1=1; -- JLX15 O'Brien",
    '<a href="javascript:alert(\'JLX18\')">link</a>',
    # page types (after the canonical value) and ids (all payloads, in turn)
    '\tJLX16 tab',
    '\rJLX17 carriage return',
    '<style>/*JLX19*/body{display:none}</style>',
    '<!-- JLX20',
    '<<script>alert("JLX22");//<</script>',
    '&lt;b class="JLX23"&gt;pre-escaped&lt;/b&gt;',
    'x\n\n# JLX24 heading\n\n<i class="JLX25">y</i>',
    '<object data="http://evil.example/JLX26"></object>',
    '<embed src="http://evil.example/JLX27">',
    '<base href="http://evil.example/JLX28/">',
    '<meta http-equiv="refresh" content="0;url=http://evil.example/JLX29">',
    '<javascript:alert("JLX30")>',
    '{0} {x} %s {{JLX31}} ${7*7} <%= 7*7 %>',
    '<link rel="stylesheet" href="http://evil.example/JLX32.css">',
    '<form action="http://evil.example/JLX33"><input name="JLX33"></form>',
    '@SUM(1+1)*cmd|" /C calc"!A0 JLX34',
]

# The shop name (the cover's client, run folder, summary.json) and the report title (the cover's heading,
# <title>, the PDF's page footer).
NAME = '<script>alert("JLX90")</script><b class="JLX91">Hostile & Co</b> =1+1'
TITLE = '</title><script>alert("JLX92")</script>**JLX93** [x](javascript:alert("JLX94"))'

MARKER_RE = re.compile(r"JLX\d+")
MARKERS: list[str] = sorted({m for p in [*PAYLOADS, NAME, TITLE] for m in MARKER_RE.findall(p)},
                            key=lambda m: int(m[3:]))
# Markdown (or template) syntax that must stay visible as text wherever its marker is shown.
LITERALS: dict[str, str] = {
    "JLX3": "[JLX3 click](javascript:",
    "JLX4": "![JLX4](http://evil.example/JLX4.png)",
    "JLX10": "**JLX10**",
    "JLX12": "{{JLX12}}",
    "JLX24": "# JLX24 heading",
    "JLX31": "{0} {x} %s {{JLX31}}",
    "JLX93": "**JLX93**",
}
# Payloads per field: the channel takes the first seven, and so on (see PAYLOADS).
FIELD_START = {"channel": 0, "category": 7, "device": 12, "status": 15, "page_type": 16}
DONE = "hostile.json"  # written last: the tables of this folder are hostile


def _assign(values, start: int, *, payload_first: bool = True) -> dict[str, str]:
    """One payload per distinct value, in turn from ``PAYLOADS[start]``; the original value is kept beside it."""
    out = {}
    for k, v in enumerate(sorted(values)):
        p = PAYLOADS[(start + k) % len(PAYLOADS)]
        out[v] = f"{p} {v}" if payload_first else f"{v} {p}"
    return out


def hostile_id(value):
    """An id with a payload in front; the original id behind it keeps ids unique (and the mapping one to one)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return value
    digits = re.sub(r"\D", "", str(value))
    return PAYLOADS[int(digits or 0) % len(PAYLOADS)] + str(value)


def _ids(frame: pd.DataFrame, *columns: str) -> None:
    for col in columns:
        if col in frame:
            frame[col] = frame[col].map(hostile_id, na_action="ignore")


def _values(frame: pd.DataFrame, col: str, mapping: dict[str, str]) -> None:
    if col in frame:
        frame[col] = frame[col].map(lambda v: mapping.get(v, v), na_action="ignore")


def _make_hostile(folder: Path) -> dict[str, list[str]]:
    """Rewrite the tables of the simulated shop in ``folder``; return the hostile distinct values per field."""
    t = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    maps: dict[str, dict[str, str]] = {
        "category": _assign(t["products"]["category"].dropna().unique(), FIELD_START["category"]),
        "channel": _assign(t["events"]["channel"].dropna().unique(), FIELD_START["channel"]),
        "device": _assign(t["events"]["device"].dropna().unique(), FIELD_START["device"]),
        "page_type": _assign(t["events"]["page_type"].dropna().unique(), FIELD_START["page_type"], payload_first=False),
        # cancelled statuses stay as they are (the loader drops those orders); every other status is hostile
        "status": _assign([s for s in t["orders"]["status"].dropna().unique() if s.lower() not in CANCELLED_STATUSES],
                          FIELD_START["status"]),
    }
    _ids(t["orders"], "order_id", "customer_id")
    _values(t["orders"], "status", maps["status"])
    _ids(t["order_lines"], "order_id", "product_id")
    _ids(t["products"], "product_id")
    _values(t["products"], "category", maps["category"])
    _ids(t["events"], "user_id", "customer_id", "session_id", "product_id", "order_id")
    for col in ("channel", "device", "page_type"):
        _values(t["events"], col, maps[col])
    _ids(t["reviews"], "customer_id", "product_id")
    for name, frame in t.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    fields = {k: sorted(v.values()) for k, v in maps.items()}
    (folder / DONE).write_text(json.dumps(fields, indent=1, ensure_ascii=False), encoding="utf-8")
    return fields


def hostile_fields(folder: Path) -> dict[str, list[str]]:
    """The hostile distinct values per field (category, channel, device, page_type, status) of a hostile shop."""
    return json.loads((Path(folder) / DONE).read_text(encoding="utf-8"))


def hostile_shop(folder: Path, lang: str) -> Path:
    """Write (once per folder) a small hostile simulated shop into ``folder`` and a client config for a report in
    ``lang`` ('en' or 'nl'); return the config's path."""
    folder = Path(folder)
    if not (folder / DONE).exists():
        write_shop(folder, N_CUSTOMERS, seed=SEED, format="parquet", name="plain", truth_sessions=False)
        _make_hostile(folder)
    products = pd.read_parquet(folder / "products.parquet")
    # the shop's own involvement mapping, keyed by hostile category names (the report shows where levels come from)
    involvement = products.groupby("category")["involvement"].agg(lambda s: s.mode().iloc[0]).to_dict()
    config = {
        "name": NAME,
        "observation_end": OBSERVATION_END,
        "currency": "EUR",
        "tables": {k: {"path": f"{k}.parquet"} for k in TABLES},
        "involvement": involvement,
        "report": {"language": lang, "title": TITLE},
    }
    path = folder / f"client-{lang}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
