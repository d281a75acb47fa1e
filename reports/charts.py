"""Small SVG bar charts for the PDF and the dashboard: readable in print and in black and white."""

from __future__ import annotations

from django.utils.html import escape

# One palette for every chart of the report and the dashboard: the brand blue, its value written beside it
# (so the colour never carries the meaning and the chart still reads in black and white).
BAR = "#1f5fa8"
BAR_EDGE = "#143f70"


def bar_chart(
    rows: list[tuple[str, float]],
    *,
    title: str = "",
    width: int = 460,
    bar: int = 18,
    gap: int = 6,
    label_width: int = 150,
) -> str:
    """Horizontal bars with their values written at the end; the title and every value are its text alternative."""
    if not rows:
        return ""
    top = max((value for _, value in rows), default=0) or 1
    height = len(rows) * (bar + gap) + gap
    description = "; ".join(f"{label}: {_fmt(value)}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-size="11" font-family="Noto Sans CJK SC, sans-serif">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    ]
    span = width - label_width - 60
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar + gap)
        length = max(1, int(span * value / top)) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + bar - 5}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="{BAR}" '
            f'stroke="{BAR_EDGE}" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{label_width + length + 4}" y="{y + bar - 5}">{escape(_fmt(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
