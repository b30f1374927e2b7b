"""Errors a user can act on. The CLI prints them without a traceback."""
from __future__ import annotations

from typing import Any, Sequence


class JourneylabError(Exception):
    """Base class of every error journeylab raises on purpose."""


class DataError(JourneylabError, ValueError):
    """Input data a user must fix: names the file, the column, the problem and example rows.

    ``examples`` holds up to five ``(line_number, row_dict)`` pairs; line numbers are 1-based
    file lines (the header is line 1) where the data came from a file, else 0-based row positions.
    A ``problem`` that is a code of ``journeylab.i18n.DATA_ERRORS`` is said in a report's language
    (``exc.text("nl")``); any other text is the problem itself, in English only.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        table: str | None = None,
        column: str | None = None,
        examples: Sequence[tuple[int, dict[str, Any]]] = (),
        hint: str | None = None,
    ) -> None:
        from journeylab.i18n import DATA_ERRORS

        self.code = problem if problem in DATA_ERRORS else None
        self.problem = DATA_ERRORS[problem]["en"] if self.code else problem
        self.file = file
        self.table = table
        self.column = column
        self.examples = list(examples)[:5]
        self.hint = hint
        super().__init__(self._format())

    def text(self, lang: str = "en") -> str:
        """The problem as a plain sentence in ``lang`` for a report (the full message for a code without words)."""
        from journeylab.i18n import DATA_ERRORS, check_language

        return DATA_ERRORS[self.code][check_language(lang)] if self.code else str(self)

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.table:
            where.append(f"table '{self.table}'")
        if self.column:
            where.append(f"column '{self.column}'")
        head = f"{', '.join(where)}: " if where else ""
        lines = [f"{head}{self.problem}"]
        if self.examples:
            lines.append("  example rows:")
            for line_no, row in self.examples:
                shown = ", ".join(f"{k}={_short(v)}" for k, v in row.items())
                lines.append(f"    line {line_no}: {shown}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class ConfigError(JourneylabError, ValueError):
    """A client or shop configuration that is wrong (unknown key, wrong type, missing file)."""


class ModelError(JourneylabError, RuntimeError):
    """A model that cannot be fitted on this shop, with a plain sentence saying why.

    ``ModelError(code, **params)`` with a ``code`` of ``journeylab.i18n.MODEL_ERRORS`` keeps the reason
    as data: ``str(exc)`` is the English sentence, ``exc.text("nl")`` the Dutch one (reports use it).
    Any other text is taken as the sentence itself, in English only.
    """

    def __init__(self, code: str, **params: Any) -> None:
        from journeylab.i18n import MODEL_ERRORS

        self.code = code if code in MODEL_ERRORS else None
        self.params = params
        super().__init__(self.text("en") if self.code else code)

    def text(self, lang: str = "en") -> str:
        """The reason as a plain sentence in ``lang`` ("en" or "nl")."""
        from journeylab.i18n import MODEL_ERRORS, translate_params

        if self.code is None:
            return str(self)
        return MODEL_ERRORS[self.code][lang].format(**translate_params(self.params, lang))


def _short(value: Any, width: int = 40) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
