"""Masking of personal data (户主姓名, 联系电话) for everything a user sees or exports.

The SQL twins of these, `mask_name` and `mask_phone`, are macros in etl/schema.sql
so queries never hand a page an unmasked value.
"""

from __future__ import annotations


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
