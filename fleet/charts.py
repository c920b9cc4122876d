"""Small server-side SVG charts (no script needed): a sparkline for a terminal's series."""

from __future__ import annotations

from collections.abc import Sequence

WIDTH, HEIGHT = 280, 48


def sparkline(values: Sequence[float | None], low: float = 0, high: float = 100) -> str:
    """The points of an SVG polyline for `values` (None gaps are skipped), or ''."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    step = WIDTH / max(len(values) - 1, 1)
    span = (high - low) or 1
    return " ".join(
        f"{i * step:.1f},{HEIGHT - (min(max(v, low), high) - low) / span * HEIGHT:.1f}"
        for i, v in known
    )
