"""Text from a file, made safe for where it is shown: a terminal, a CSV that Excel opens.

A register is data, never markup or code. Values, headers and file names are
printed through rich (whose `[...]` is markup) and written to CSV files that
Excel opens (where a cell starting with `=` is a formula). These helpers are
the one place that decides how such text is neutralised.
"""

from __future__ import annotations

import re
import unicodedata

from rich.markup import escape

# C0 and C1 control characters, DEL, and the Unicode format characters that
# hide or reorder text on a screen (zero-width, bidi overrides, BOM).
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
# A CSV cell starting with one of these is run as a formula by Excel (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHOWN_CHARACTERS = 80
# Text from a register is written to Excel as text: never as a live formula
# (=HYPERLINK(…), =cmd|…) or a clickable link. Every workbook we write opens with these.
XLSX_TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False}


def _escape_hidden(match: re.Match) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, limit: int | None = None) -> str:
    """The text with every control or invisible character written as an escape
    (`\\x1b`, `\\u200b`), cut to `limit` characters: what a user sees is what is there."""
    shown = str(text)
    if limit is not None and len(shown) > limit:
        shown = f"{shown[:limit]}…（共 {len(shown)} 字）"
    return _HIDDEN.sub(_escape_hidden, shown)


def console_text(text: object, limit: int | None = SHOWN_CHARACTERS) -> str:
    """A value from a file, ready to put inside a rich markup string: escaped and visible."""
    return escape(visible(text, limit))


def csv_cell(value: object) -> object:
    """A cell for a CSV Excel will open: text starting with = + - @ tab or CR gets a leading
    apostrophe, so Excel shows it as text instead of running it (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Characters that change nothing a user sees but make two ids or headers differ:
# zero-width space/joiners, direction marks and overrides, word joiner, BOM, soft hyphen.
INVISIBLE = "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
# Spaces of other widths, read as a plain space.
ODD_SPACES = "[\u2000-\u200a\u202f\u205f]"
_INVISIBLE = re.compile(INVISIBLE)
_ODD_SPACES = re.compile(ODD_SPACES)


def normalize_text(text: str) -> str:
    """NFC, invisible characters dropped, odd spaces as plain spaces: what matching compares."""
    return unicodedata.normalize("NFC", _ODD_SPACES.sub(" ", _INVISIBLE.sub("", text)))
