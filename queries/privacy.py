"""Masking of personal data (户主姓名, 联系电话) for everything a user sees or exports.

By column: the contract's personal columns are always masked. By value as well:
a row whose columns shifted puts a phone number in 出生年份 or a name in 脱贫年度,
so any text shaped like a mobile, landline or ID-card number is masked wherever
it appears, and so is a value known to be a roster's personal value.

The SQL twins of `mask_name` and `mask_phone` are macros in etl/schema.sql, so
queries never hand a page an unmasked value of a personal column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from etl.registers import COUNT, DATE, YEAR, Column, Register

NAME, PHONE = "name", "phone"

# Digits not glued to other digits or letters: an id like H13912341234X is no phone.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
# An ID card: 18 characters (17 digits and a digit or X) or the old 15 digits.
_ID_CARD = re.compile(_EDGE_BEFORE + r"(?:\d{17}[\dXx]|\d{15})" + _EDGE_AFTER)
# A mobile number, optionally +86, optionally split 3-4-4 by spaces or dashes.
_MOBILE = re.compile(_EDGE_BEFORE + r"((?:\+?86[- ]?)?1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})" + _EDGE_AFTER)
# A landline with its area code: 010-12345678, 0755 1234567, 075512345678.
_LANDLINE = re.compile(_EDGE_BEFORE + r"(0\d{2,3})([- ]?)(\d{3,4})(\d{4})" + _EDGE_AFTER)
# A Chinese personal name: two to four Han characters, maybe with a middle dot.
_NAME_SHAPE = re.compile(r"[\u4e00-\u9fff]{1,3}[·•]?[\u4e00-\u9fff]{1,3}")
# Columns where no text belongs: a name there came from a shifted row.
_NUMERIC_TYPES = (YEAR, COUNT, DATE)


def mask_name(name: str | None) -> str | None:
    """张三丰 -> 张**: the surname stays, so an office can still tell households apart."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str | None:
    """13912341234 -> 139****1234."""
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


MASKS = {NAME: mask_name, PHONE: mask_phone}


def mask_text(text: str | None) -> str | None:
    """Every ID-card, mobile and landline number inside `text` masked; the rest as it was.

    '联系人13912341234' -> '联系人139****1234'; 110101199003071234 -> 110101********1234.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return text
    text = _ID_CARD.sub(lambda m: m.group()[:6] + "*" * (len(m.group()) - 10) + m.group()[-4:], text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}{m.group(2)}{'*' * len(m.group(3))}{m.group(4)}", text)


def mask_cell(
    value: str | None, column: Column | None, register: Register | None,
    known: Mapping[str, str] | None = None,
) -> str | None:
    """One cell of a register as it may be shown: masked by its column, by a roster's
    personal values (`known`: value -> NAME or PHONE), and by its shape."""
    if not value:
        return value
    if column is not None and column.personal:
        return mask_phone(value) if column.key == "phone" else mask_name(value)
    kind = (known or {}).get(value.strip())
    if kind:
        return MASKS[kind](value.strip())
    if (column is not None and column.type in _NUMERIC_TYPES and register is not None
            and has_personal_names(register) and _NAME_SHAPE.fullmatch(value.strip())):
        return mask_name(value.strip())
    return mask_text(value)


def has_personal_names(register: Register) -> bool:
    return any(c.personal and c.key != "phone" for c in register.columns)
