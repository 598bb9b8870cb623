"""Sizes in messages: one unit (MiB, what the limits are computed in), the limit as it is
configured ("20 MiB" for PARTNERBOT_MAX_UPLOAD_MB=20), and the size with enough digits to
differ from the limit it is over ("1.0001 MiB", never "1.0 MiB is over the 1 MiB limit")."""

from __future__ import annotations

MIB = 1 << 20


def limit_text(limit: int) -> str:
    """`limit` bytes as configured: whole MiB without decimals."""
    return f"{limit / MIB:g} MiB"


def size_text(size: int, limit: int | None = None) -> str:
    """`size` bytes in MiB, one decimal, more if needed to show it is over `limit`."""
    for digits in (1, 2, 3, 4, 6):
        shown = round(size / MIB, digits)
        if limit is None or size <= limit or shown > limit / MIB:
            return f"{shown:.{digits}f} MiB"
    return f"{size:,} bytes"


def over_limit(size: int | None, limit: int) -> str:
    """"12.3 MiB is over the 10 MiB limit", or "over the 10 MiB limit" with no size known."""
    if size is None:
        return f"over the {limit_text(limit)} limit"
    return f"{size_text(size, limit)} is over the {limit_text(limit)} limit"
