"""Personal data: pseudonymise it on load, and find what slipped through in a text.

What counts as personal data here: e-mail addresses, person names, phone numbers and street
addresses. Adapters drop the columns that hold them (Shopify ``Billing Name``, WooCommerce
``billing_phone`` ...) or, where a column is needed as an identifier (an e-mail as the customer
id), replace each value by a keyed hash before anything reaches a canonical table.

The keyed hash is HMAC-SHA256 with a per-project secret, computed in SQL, DuckDB's or Spark's (so
millions of rows stay in the engine; both spell the same HMAC and equal :func:`pseudonym`). The
pseudonym is ``"pii-"`` plus the first 20 hex digits (80 bits) of the HMAC of the lower-cased,
trimmed value: the same customer gets the same pseudonym in every file and every run of the
project, and without the secret nobody can test a guessed e-mail.

The secret (:func:`project_secret`):

1. the environment variable ``JOURNEYLAB_SECRET`` when set (CI, shared servers); else
2. the file ``.journeylab-secret`` in the project folder (the folder of the shop config),
   created on first use with 32 random bytes and permissions 0600. It is git-ignored: never
   commit it, and keep it to get the same pseudonyms next time (lose it and customers get new
   pseudonyms, so a later report can no longer be linked to an earlier one).

:func:`find_pii` lists e-mail addresses and phone numbers in any text (a report, a log,
summary.json) so tests can assert that none leaked.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

import duckdb

from journeylab.data.dialect import DUCKDB, SPARK, as_dialect

SECRET_ENV = "JOURNEYLAB_SECRET"
SECRET_FILE = ".journeylab-secret"
PREFIX = "pii-"
HEX_DIGITS = 20

# An e-mail address: local part, @, a domain with a dot.
EMAIL_RE = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# A phone number: optional +country code, then 8 to 15 digits, allowing spaces, dots, dashes,
# and brackets between them (06-12345678, +31 6 1234 5678, (020) 123 4567).
PHONE_RE = r"(\+|00|\()?[0-9][0-9 ().\-]{6,18}[0-9]"
# A whole id that is a phone number (with the >= 9 digits test of looks_like_phone_sql).
_PHONE_ID_RE = r"(\+|00|0)[0-9 ()./\-]{7,18}[0-9]"
_EMAIL = re.compile(EMAIL_RE)
_PHONE = re.compile(r"(?<![\w.\-:])" + PHONE_RE + r"(?![\w.\-:])")
# dates, and compact time stamps such as report run folders (20261123-093752)
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|^(19|20)\d{6}[-_T]\d{4,6}$")


def project_secret(folder: str | Path | None = None) -> bytes:
    """The per-project HMAC key: ``$JOURNEYLAB_SECRET``, else ``<folder>/.journeylab-secret`` (created if absent).

    ``folder`` defaults to the current directory.
    """
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode("utf-8")
    path = Path(folder or Path.cwd()) / SECRET_FILE
    if not path.exists():
        # O_EXCL: two processes starting at once must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError as exc:  # a read-only data folder: say what to do instead of a traceback
            from journeylab.errors import ConfigError

            raise ConfigError(f"cannot create the pseudonymisation key {path} ({exc.strerror}): set "
                              f"${SECRET_ENV} to a secret of your own, or make {path.parent} writable") from None
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def pseudonym(value: str, key: bytes) -> str:
    """The pseudonym of one value (Python twin of :func:`hash_sql`, for tests and small lookups)."""
    import hashlib
    import hmac

    digest = hmac.new(key, value.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:HEX_DIGITS]


def pseudonymise_id(value: Any, key: bytes) -> Any:
    """Python twin of :func:`pseudonymise_ids_sql` for one id: its pseudonym when it is an e-mail address or a
    phone number (as the loader decides), else the id itself (None stays None). Used to match a shop's own
    customer file with the pseudonymised ids of an export, locally (journeylab.report.audiences)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    phone = re.fullmatch(_PHONE_ID_RE, text.strip()) and len(re.sub(r"[^0-9]", "", text)) >= 9
    if _EMAIL.search(text) or phone:
        return pseudonym(text, key)
    return text


def _spark(dialect: Any) -> bool:
    """Whether ``dialect`` (journeylab.data.dialect.Dialect or its name) is Spark SQL; anything else is DuckDB."""
    return as_dialect(dialect) is SPARK


def hash_sql(expr: str, key: bytes, dialect: Any = "duckdb") -> str:
    """SQL for the pseudonym of the text expression ``expr`` (NULL stays NULL): HMAC-SHA256 in DuckDB
    or (``dialect="spark"``) Spark SQL, equal to :func:`pseudonym` in both.

    HMAC(K, m) = SHA256((K xor opad) || SHA256((K xor ipad) || m)) with the key padded to the
    64-byte block (RFC 2104); the padded keys are inlined as hex BLOB literals.
    """
    import hashlib

    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in block).hex()
    opad = bytes(b ^ 0x5C for b in block).hex()
    if _spark(dialect):
        # sha2 gives hex text, as DuckDB's sha256; encode/concat/unhex work on BINARY there.
        msg = f"encode(lower(trim(CAST({expr} AS STRING))), 'UTF-8')"
        inner = f"unhex(sha2(concat(unhex('{ipad}'), {msg}), 256))"
        return (f"CASE WHEN {expr} IS NULL THEN NULL "
                f"ELSE concat('{PREFIX}', left(sha2(concat(unhex('{opad}'), {inner}), 256), {HEX_DIGITS})) END")
    msg = f"encode(lower(trim(CAST({expr} AS VARCHAR))))"
    inner = f"unhex(sha256(unhex('{ipad}') || {msg}))"
    return f"CASE WHEN {expr} IS NULL THEN NULL ELSE '{PREFIX}' || left(sha256(unhex('{opad}') || {inner}), {HEX_DIGITS}) END"


def looks_like_email_sql(expr: str, dialect: Any = "duckdb") -> str:
    """SQL: whether the text ``expr`` contains an e-mail address."""
    if _spark(dialect):
        return f"(CAST({expr} AS STRING) RLIKE {SPARK.string(EMAIL_RE)})"  # RLIKE finds the pattern anywhere
    return f"regexp_matches(CAST({expr} AS VARCHAR), '{EMAIL_RE}')"


def looks_like_phone_sql(expr: str, dialect: Any = "duckdb") -> str:
    """SQL: whether the whole text ``expr`` is a phone number with a + or 00 prefix or separators.

    Plain digit strings (customer numbers such as 17850) are not phone numbers here; a value
    needs a leading + / 00 / 0 and at least 9 digits to count.
    """
    if _spark(dialect):
        whole = SPARK.string("^(?:" + _PHONE_ID_RE + ")$")
        return (f"(trim(CAST({expr} AS STRING)) RLIKE {whole} "
                f"AND length(regexp_replace(CAST({expr} AS STRING), '[^0-9]', '')) >= 9)")
    return (
        f"(regexp_full_match(trim(CAST({expr} AS VARCHAR)), '{_PHONE_ID_RE}') "
        f"AND length(regexp_replace(CAST({expr} AS VARCHAR), '[^0-9]', '', 'g')) >= 9)"
    )


def pseudonymise_ids_sql(expr: str, key: bytes, dialect: Any = "duckdb") -> str:
    """SQL: ``expr`` itself, or its pseudonym when it is an e-mail address or a phone number."""
    return (
        f"CASE WHEN {looks_like_email_sql(expr, dialect)} OR {looks_like_phone_sql(expr, dialect)} "
        f"THEN {hash_sql(expr, key, dialect)} ELSE {expr} END"
    )


def has_pii_ids(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    """Whether any value of ``table.column`` is an e-mail address or a phone number."""
    col = DUCKDB.ident(column)
    return bool(
        con.execute(
            f"SELECT count(*) FROM {table} WHERE {looks_like_email_sql(col)} OR {looks_like_phone_sql(col)}"
        ).fetchone()[0]
    )


def find_pii(text: str) -> list[str]:
    """E-mail addresses and phone numbers found in ``text`` (for tests that scan report outputs).

    Phone candidates that are dates or times, or have fewer than 9 digits, are not reported,
    so amounts, dates and ids in a report do not raise false alarms.
    """
    found = [m.group(0) for m in _EMAIL.finditer(text)]
    for m in _PHONE.finditer(text):
        candidate = m.group(0).strip()
        digits = re.sub(r"\D", "", candidate)
        if len(digits) < 9 or _DATE_LIKE.match(candidate) or re.fullmatch(r"-?\d+\.\d+", candidate):
            continue  # too short, a date, or a decimal number
        if not re.search(r"[+\s()/\-.]", candidate) and not candidate.startswith(("0", "+")):
            continue  # a bare number (an id, an amount in cents) is not taken for a phone number
        found.append(candidate)
    return found


__all__ = [
    "EMAIL_RE",
    "PHONE_RE",
    "find_pii",
    "hash_sql",
    "has_pii_ids",
    "looks_like_email_sql",
    "project_secret",
    "pseudonym",
    "pseudonymise_id",
    "pseudonymise_ids_sql",
]
