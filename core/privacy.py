"""Masking of personal information (PIPL): done on the server, for every path to a field.

`PERSONAL` is the one table of the properties that hold personal data and of what a caller who
may not see personal data reads instead. The fields of `Person` mask with the same functions,
and `masked` applies the table to a property map wherever one is returned as it is stored: the
`before`/`after` of an audit entry, the properties of a relationship on a path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.auth import Viewer


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


def hidden(_: Any) -> None:
    """Nothing of the value at all (a birth date is not masked in part)."""
    return None


PERSONAL: dict[str, Callable[[Any], Any]] = {
    "phone": mask_phone,
    "idNumber": mask_id_number,
    "birthDate": hidden,
}
"""Property names that hold personal data, wherever the value appears, and what a caller
without `Viewer.sees_personal_data` reads instead (`Person.phone`, `Person.idNumber` and
`Person.birthDate` read the same)."""


def _masked_value(mask: Callable[[Any], Any], value: Any) -> Any:
    if value is None:
        return None
    return mask(value if isinstance(value, str) else str(value))


def masked(
    values: Mapping[str, Any] | None, viewer: Viewer, *, family_category: bool = False
) -> dict[str, Any] | None:
    """A property map as `viewer` may read it.

    Personal properties (`PERSONAL`) are masked unless the viewer sees personal data; a map that
    holds a family's classification or home visits (`family_category`) is null altogether
    unless the viewer sees family categories, as `Family.category` and `Family.visits` are.
    """
    if values is None:
        return None
    if family_category and not viewer.sees_family_categories:
        return None
    if viewer.sees_personal_data:
        return dict(values)
    return {
        key: _masked_value(PERSONAL[key], value) if key in PERSONAL else value
        for key, value in values.items()
    }
