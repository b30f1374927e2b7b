"""Audience exports: one CSV per audience for a shop's e-mail and ad tools, pseudonymised; e-mail addresses only
in a re-identified copy the shop asks for, written where it says and never into a report folder.

``journeylab audiences CONFIG --out DIR`` (:func:`run_audiences`) writes into DIR one ``<audience id>.csv`` per
audience (journeylab.journey.audiences: columns EXPORT_COLUMNS, words in the report's language),
``audience_counts.csv`` and ``audiences.json`` (what was written, the counts, and where a re-identified copy
went). Ids are the canonical ids: an e-mail address or phone number used as a customer id is its keyed-hash
pseudonym (journeylab.data.pii), so nothing in DIR names a person.

Re-identification (``--reidentify customers.csv --reidentified-out FOLDER``): the shop's own customer file
(columns ``customer_id`` and ``email``; ``id`` and ``e-mail``/``email address`` are read too) is matched
locally with the same keyed hash as the loader's (journeylab.data.pii.pseudonymise_id on the id, and the
pseudonym of the e-mail address for shops whose customer id is the address). The copy with an e-mail column
(named as the chosen tool's import expects: ``Email`` for Klaviyo, ``Email Address`` for Mailchimp, ``email``
otherwise) goes to FOLDER, which must lie outside DIR and outside any report run folder. Nothing is sent
anywhere. Every file goes through journeylab.report.export.write_table (spreadsheet formulas neutralised).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from journeylab.data.pii import pseudonym, pseudonymise_id, project_secret
from journeylab.errors import ConfigError, DataError
from journeylab.journey.audiences import Audiences
from journeylab.report.export import write_table

# How each tool's list import names the e-mail column (docs/audiences.md says what was and was not verified).
EMAIL_COLUMN = {"generic": "email", "klaviyo": "Email", "mailchimp": "Email Address"}
LAYOUTS = tuple(EMAIL_COLUMN)
MANIFEST = "audiences.json"
COUNTS_FILE = "audience_counts.csv"
ID_COLUMNS = ("customer_id", "id")
EMAIL_COLUMNS = ("email", "e-mail", "email address", "e-mail address")


@dataclass
class AudienceExport:
    """What :func:`write_audiences` wrote: ``folder`` (pseudonymised files), ``files`` (audience id -> path),
    ``counts``, and the re-identified copy's ``reidentified_folder``, ``reidentified_files`` and ``matched``
    (persons of all audiences with an e-mail address from the customer file) where one was asked for."""

    folder: Path
    files: dict[str, Path]
    counts: pd.DataFrame
    reidentified_folder: Path | None = None
    reidentified_files: dict[str, Path] = field(default_factory=dict)
    matched: int = 0

    def describe(self) -> list[str]:
        """Lines for the command line: where each part was written."""
        lines = [f"{len(self.files)} audiences (pseudonymised ids, no e-mail addresses) -> {self.folder}"]
        if self.reidentified_folder is not None:
            lines.append(f"re-identified copy with e-mail addresses ({self.matched} persons matched) -> "
                         f"{self.reidentified_folder} (keep it in your own CRM, not in a report folder)")
        return lines


def read_customer_file(path: str | Path, key: bytes) -> dict[str, str]:
    """The shop's own customer file as pseudonymised id -> e-mail address, matched through the keyed hash ``key``.

    Each row maps its id as the loader stores it (pseudonymised when it is an e-mail address or a phone number)
    and the pseudonym of its e-mail address (for a shop whose customer id is the address) to the address.
    DataError naming the file when it lacks an e-mail column."""
    path = Path(path)
    if not path.exists():
        raise DataError("the customer file does not exist", file=str(path))
    df = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig")
    lower = {c.strip().lower(): c for c in df.columns}
    email_col = next((lower[c] for c in EMAIL_COLUMNS if c in lower), None)
    id_col = next((lower[c] for c in ID_COLUMNS if c in lower), None)
    if email_col is None:
        raise DataError("the customer file needs an e-mail column", file=str(path),
                        hint=f"name it one of {', '.join(EMAIL_COLUMNS)}; found {', '.join(map(str, df.columns))}")
    out: dict[str, str] = {}
    ids = df[id_col] if id_col is not None else pd.Series("", index=df.index)
    for cid, email in zip(ids.str.strip(), df[email_col].str.strip()):
        if not email:
            continue
        if cid:
            out.setdefault(str(pseudonymise_id(cid, key)), email)
        out.setdefault(pseudonym(email, key), email)
    return out


def _outside(folder: Path, out: Path) -> None:
    """ConfigError when the re-identified ``folder`` lies inside ``out`` or inside a report run folder."""
    f, o = folder.resolve(), out.resolve()
    if f == o or o in f.parents:
        raise ConfigError(f"the re-identified audiences hold e-mail addresses: write them outside {out} "
                          f"(the pseudonymised export), not to {folder}")
    for parent in [f, *f.parents]:
        if (parent / "summary.json").exists() or (parent / "report.html").exists():
            raise ConfigError(f"the re-identified audiences hold e-mail addresses: {folder} lies in the report "
                              f"folder {parent}; choose a folder outside every report")


def write_audiences(aud: Audiences, out: str | Path, *, layout: str = "generic", reidentify: str | Path | None = None,
                    reidentified_out: str | Path | None = None, secret_folder: str | Path | None = None,
                    client: str | None = None) -> AudienceExport:
    """Write ``aud`` (journeylab.journey.audiences.audiences) to ``out``: one CSV per audience, the counts and the
    manifest, ids pseudonymised. With ``reidentify`` (the shop's customer file) also a copy with e-mail addresses
    in ``reidentified_out`` (required then; outside ``out`` and any report folder), matched with the project's
    key (journeylab.data.pii.project_secret of ``secret_folder``: the shop config's folder)."""
    if layout not in LAYOUTS:
        raise ConfigError(f"audience layout {layout!r}: must be one of {', '.join(LAYOUTS)}")
    out = Path(out)
    emails: dict[str, str] | None = None
    if reidentify is not None:
        if reidentified_out is None:
            raise ConfigError("re-identification needs a folder of its own for the file with e-mail addresses "
                              "(--reidentified-out), outside the export folder")
        reidentified_out = Path(reidentified_out)
        _outside(reidentified_out, out)
        emails = read_customer_file(reidentify, project_secret(secret_folder))
    out.mkdir(parents=True, exist_ok=True)
    counts = aud.counts()
    files, re_files, matched = {}, {}, set()
    for aid in aud.audiences:
        table = aud.table(aid)
        files[aid] = write_table(table, out / f"{aid}.csv", index=False)
        if emails is not None:
            mail = table["customer_id"].map(emails)
            keep = table.loc[mail.notna()].copy()
            keep.insert(0, EMAIL_COLUMN[layout], mail[mail.notna()].to_numpy())
            matched.update(keep["customer_id"])
            re_files[aid] = write_table(keep, reidentified_out / f"{aid}.csv", index=False)
    write_table(counts.reset_index(), out / COUNTS_FILE, index=False)
    manifest = {
        "client": client, "generated_at": datetime.now().isoformat(timespec="seconds"), "language": aud.lang,
        "layout": layout, "audiences_version": aud.definitions.version, "audiences_source": aud.definitions.source,
        "observation_end": None if aud.observation_end is None else pd.Timestamp(aud.observation_end).isoformat(),
        "ids": "pseudonymised (keyed hash) where a shop's id is an e-mail address or phone number; no e-mail addresses",
        "audiences": [{"id": aid, "name": counts.loc[aid, "name"], "persons": int(counts.loc[aid, "persons"]),
                       "file": files[aid].name} for aid in aud.audiences],
        "reidentified_out": str(reidentified_out.resolve()) if emails is not None else None,
        "notes": list(aud.notes),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return AudienceExport(out, files, counts, reidentified_out if emails is not None else None, re_files, len(matched))


def audience_options(config: str | Path) -> dict[str, Any]:
    """The report options a client config gives its audiences (language, phase model, CLV settings and its own
    audiences file, resolved against the config's folder)."""
    from journeylab.report.run import config_relative_path, read_report_options

    opts = read_report_options(config)
    if opts.get("audiences"):
        path = config_relative_path(Path(config), opts["audiences"])
        if not path.exists():
            raise ConfigError(f"client config {config}: audiences file {opts['audiences']} does not exist")
        opts["audiences"] = path
    return opts


def run_audiences(config: str | Path, out: str | Path, *, layout: str = "generic", reidentify: str | Path | None = None,
                  reidentified_out: str | Path | None = None, lang: str | None = None) -> AudienceExport:
    """``journeylab audiences``: load the client's shop, compute its audiences with the report's settings and
    write them (:func:`write_audiences`)."""
    from journeylab.data.config import read_shop_config
    from journeylab.data.shop import load_shop
    from journeylab.journey.audiences import audiences

    cfg = read_shop_config(config)
    opts = audience_options(config)
    if reidentify is not None and reidentified_out is None:
        raise ConfigError("--reidentify needs --reidentified-out FOLDER (outside --out) for the file with e-mail addresses")
    if reidentify is not None:
        _outside(Path(reidentified_out), Path(out))  # before the (slow) load: a wrong folder fails at once
    shop = load_shop(cfg)
    aud = audiences(shop, lang=lang or opts["language"], source=opts.get("audiences"), phase_model=opts["phase_model"],
                    horizon_months=opts["clv_horizon_months"], discount_rate=opts["discount_rate"])
    return write_audiences(aud, out, layout=layout, reidentify=reidentify, reidentified_out=reidentified_out,
                           secret_folder=cfg.folder, client=cfg.name)


__all__ = ["AudienceExport", "EMAIL_COLUMN", "LAYOUTS", "read_customer_file", "run_audiences",
           "write_audiences"]
