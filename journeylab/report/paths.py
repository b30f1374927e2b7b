"""Paths stay inside: folder names made from client names, containment checks, and what counts as an image.

A client config is written by someone else (an agency's client, a colleague, a template found online), so
nothing it says may steer where journeylab writes or what it embeds in a report:

- **Run folders.** A client's name becomes one folder name through :func:`safe_slug`: ASCII letters, digits,
  ``_``, ``-`` and inner dots only (accents are dropped to their base letter, everything else becomes
  ``_``), no leading dot (so never ``.`` or ``..`` and never hidden), at most :data:`SLUG_MAX` characters,
  and ``client`` when nothing is left. :func:`ensure_inside` then checks that the resolved folder is inside
  the resolved output root, which also catches a folder that already exists as a link to elsewhere.
- **Files a config names** (tables, logo) are only ever read. journeylab opens them read-only; the test
  ``tests/test_paths.py`` loads a shop from read-only files and checks their bytes and times are unchanged.
- **A logo is an image.** :func:`image_type` recognises PNG, JPEG, GIF and WebP by their first bytes (never
  by the suffix), or an SVG that parses as XML with an ``svg`` root and holds nothing active: no ``script``
  or ``foreignObject`` element, no ``on*`` event attribute, no ``href`` other than ``#...`` or ``data:``,
  no CSS ``url()`` or ``@import`` to elsewhere, no animation that sets an ``href`` or ``on*`` attribute,
  no entity declarations (the "billion laughs" expansion) and no processing instructions. The report embeds
  the logo as a ``data:`` URI, where a browser runs no script of an SVG anyway; this check is the second
  wall, and it keeps a file that is not a logo at all (a text file named ``logo.png``) out of the report.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from xml.parsers import expat

from journeylab.errors import JourneylabError

SLUG_MAX = 80  # characters of a folder name made from a client name (far below any file system's limit)
DEFAULT_SLUG = "client"

_NOT_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")
_DOTS = re.compile(r"\.{2,}")


def safe_slug(name: object, *, default: str = DEFAULT_SLUG, max_length: int = SLUG_MAX) -> str:
    """One safe folder name for ``name``: ``[A-Za-z0-9_.-]``, no leading or trailing dot, no ``..``,
    at most ``max_length`` characters; ``default`` when nothing usable is left (``""``, ``".."``, ``"/"``).

    >>> safe_slug("../etc"), safe_slug("Café Zoë"), safe_slug("..")
    ('_etc', 'Cafe_Zoe', 'client')
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = _NOT_SLUG.sub("_", text)
    text = _DOTS.sub(".", text)  # no '..' anywhere, not even inside
    text = text.lstrip(".-")[:max_length].rstrip(".")  # no hidden folder, no option-like name, no trailing dot
    return text if text.strip("_") else default


def inside(root: str | Path, path: str | Path) -> bool:
    """Whether ``path`` is ``root`` itself or below it, after resolving both (links and ``..`` followed)."""
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def ensure_inside(root: str | Path, path: str | Path, what: str = "path") -> Path:
    """``path`` unchanged if it resolves strictly below ``root``; else a JourneylabError naming both."""
    root_r, path_r = Path(root).resolve(), Path(path).resolve()
    if path_r == root_r or not path_r.is_relative_to(root_r):
        raise JourneylabError(f"{what} {path} would be outside {root} (it resolves to {path_r}); nothing was written there")
    return Path(path)


class NotAnImage(ValueError):
    """A file that is not an image journeylab embeds; the message says why."""


# (first bytes, MIME type); WebP (RIFF, 4 bytes of size, WEBP) is checked on its own
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject"}  # compared in lower case
_SVG_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
_CSS_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:)|@import", re.IGNORECASE)


def image_type(path: str | Path) -> str:
    """The MIME type of the image at ``path`` (``image/png``, ``image/jpeg``, ``image/gif``, ``image/webp``,
    ``image/svg+xml``); NotAnImage saying why when it is none of them or is an SVG with active content."""
    path = Path(path)
    if not path.is_file():
        raise NotAnImage("it is not a regular file")
    with path.open("rb") as fh:
        head = fh.read(16)
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    problem = _svg_problem(path.read_bytes())
    if problem:
        raise NotAnImage(problem)
    return "image/svg+xml"


def _local(name: str) -> str:
    # expat with a namespace separator gives 'uri local' for namespaced names
    return name.rsplit(" ", 1)[-1]


def _svg_problem(data: bytes) -> str | None:
    """Why ``data`` is not a clean SVG, or None if it is one."""
    found: list[str] = []
    root: list[str] = []
    style: list[str] = []  # text of the <style> element being read (expat may hand it over in pieces)
    in_style = [0]

    def fail(reason: str) -> None:
        found.append(reason)
        raise _Stop

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if not root:
            root.append(local)
            if local != "svg":
                fail(f"its root element is <{local}>, not <svg>")
        if local.lower() in _SVG_FORBIDDEN_ELEMENTS:
            fail(f"it holds a <{local}> element")
        if local.lower() == "style":
            in_style[0] += 1
        for attr, value in attrs.items():
            key = _local(attr)
            if key.lower().startswith("on"):
                fail(f"<{local}> has an event attribute {key}")
            if key.lower() == "href" and not value.strip().lower().startswith(("#", "data:")):
                fail(f"<{local}> links to {value[:80]!r} (only '#...' and 'data:' are allowed)")
            if key.lower() == "style" and _CSS_EXTERNAL.search(value):
                fail(f"<{local}> has a style that loads something from elsewhere")
        if local.lower() in _SVG_ANIMATIONS:
            target = _local(attrs.get("attributeName", "")).lower()
            if target == "href" or target.startswith("on"):
                fail(f"<{local}> animates the {target} attribute")

    def end(name: str) -> None:
        if _local(name).lower() == "style":
            in_style[0] -= 1
            if _CSS_EXTERNAL.search("".join(style)):
                fail("its <style> loads something from elsewhere")
            style.clear()

    def text(data_: str) -> None:
        if in_style[0]:
            style.append(data_)

    def entity(*_args: object) -> None:
        fail("it declares XML entities")

    def instruction(target: str, _data: str) -> None:
        fail(f"it holds a processing instruction <?{target}?>")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)  # no external DTD is ever read
    try:
        parser.Parse(data, True)
    except _Stop:
        return found[0]
    except expat.ExpatError as exc:
        return f"it is not a PNG, JPEG, GIF or WebP image (by its first bytes) nor an SVG (not XML: {exc})"
    if not root:
        return "it is not a PNG, JPEG, GIF or WebP image (by its first bytes) nor an SVG (no element)"
    return None


class _Stop(Exception):
    pass


__all__ = ["SLUG_MAX", "NotAnImage", "ensure_inside", "image_type", "inside", "safe_slug"]
