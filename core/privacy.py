"""Masking of personal information (PIPL): done on the server, for every path to a field."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    """`13812348000` -> `138****8000`; landlines keep area code and last 4 digits."""
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str | None) -> str | None:
    """`370303198503121234` -> `370303********1234` (area code and last four digits kept)."""
    if not id_number:
        return id_number
    value = id_number.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
