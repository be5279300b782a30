"""An SLA :class:`~agentconsole.sla.report.Report` as JSON, CSV and one HTML file.

The HTML is for a lead to mail to a manager: one self-contained file (styles inline,
charts as inline SVG, no script, no font, no image, no link to anything on the
network) that is also well-formed XML, so any parser reads it. Every name in it
(agents, policies, categories) is escaped, and its control characters (ESC, BEL, C1,
which XML 1.0 forbids and a terminal acts on) are shown as visible symbols, in the
HTML and the CSV alike: names come from people and mail.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from html import escape as _escape

from agentconsole.sla.durations import format_duration
from agentconsole.sla.report import REPORTED_CLOCKS, ClockFigures, Report
from agentconsole.textsafe import safe_line


def escape(text: str) -> str:
    """``text`` for HTML/XML: one line, no control character, markup escaped."""
    return _escape(safe_line(text))


TITLES = {"first_response": "First response", "resolution": "Resolution"}


def group_label(by: str | None, key: str) -> str:
    """How a group is named to people: the empty key is ``(unassigned)`` for agents,
    ``(none)`` otherwise (the same in the table, the CSV and the HTML)."""
    if key:
        return key
    return "(unassigned)" if by == "agent" else "(none)"


def iso(epoch: int, offset: int = 0) -> str:
    """ISO 8601 with the offset, seconds precision."""
    zone = timezone(timedelta(seconds=offset))
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone).isoformat()


def clock_dict(figures: ClockFigures) -> dict[str, object]:
    share = figures.met_share
    return {
        "target": figures.target,
        "held": figures.held,
        "measured": figures.measured,
        "median": figures.median,
        "p90": figures.p90,
        "met": figures.met,
        "breached": figures.breached,
        "met_share": None if share is None else round(share, 4),
    }


def report_dict(report: Report) -> dict[str, object]:
    """The report as JSON-ready data; durations in business seconds, instants ISO 8601."""
    data: dict[str, object] = {
        "since": iso(report.since, report.utc_offset),
        "until": iso(report.until, report.utc_offset),
        "now": iso(report.now, report.utc_offset),
        "by": report.by,
        "tickets": report.tickets,
    }
    for name in REPORTED_CLOCKS:
        section = clock_dict(report.clock(name))
        section["targets"] = {p: t[name] for p, t in report.targets.items()}
        data[name] = section
    data["groups"] = [
        {
            "key": g.key,
            "tickets": g.tickets,
            "first_response": clock_dict(g.first_response),
            "resolution": clock_dict(g.resolution),
        }
        for g in report.groups
    ]
    data["days"] = [
        {"day": d.day, "incoming": d.incoming, "breaches": d.breaches} for d in report.days
    ]
    return data


CSV_FIELDS = ["group", "tickets"] + [
    f"{clock}_{part}"
    for clock in REPORTED_CLOCKS
    for part in ("target", "median", "p90", "met", "breached", "held", "measured", "met_share")
]


def report_csv(report: Report) -> str:
    """One line per group (one ``all`` line without a breakdown), durations in
    business seconds: per clock the figures of the JSON's groups (target, median, p90,
    met, breached, held, measured, met_share), so a spreadsheet gets all of them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    rows = [
        (group_label(report.by, g.key), g.tickets, g.first_response, g.resolution)
        for g in report.groups
    ] or [("all", report.tickets, report.first_response, report.resolution)]
    for key, tickets, first, resolution in rows:
        line: list[object] = [_csv_safe(key), tickets]
        for figures in (first, resolution):
            line += [
                figures.target,
                figures.median,
                figures.p90,
                figures.met,
                figures.breached,
                figures.held,
                figures.measured,
                None if figures.met_share is None else round(figures.met_share, 4),
            ]
        writer.writerow(["" if v is None else v for v in line])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """A name on one line with its control characters made visible; one that a
    spreadsheet would run as a formula (=, +, -, @) gets a quote."""
    text = safe_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def duration_text(seconds: int | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _bars(title: str, values: list[tuple[str, int]], colour: str) -> str:
    """A bar chart, one bar per day, as inline SVG."""
    width, height, pad = 640, 160, 24
    top = max([v for _, v in values] + [1])
    step = (width - 2 * pad) / max(len(values), 1)
    parts = [
        f'<svg width="{width}" height="{height + 2 * pad}" role="img"'
        f' aria-label="{escape(title)}">',
        f'<text x="{pad}" y="16" font-size="13">{escape(title)} (highest {top})</text>',
        f'<line x1="{pad}" y1="{height + pad}" x2="{width - pad}" y2="{height + pad}"'
        ' stroke="#888"/>',
    ]
    for index, (label, value) in enumerate(values):
        bar = height * value / top
        x = pad + index * step
        parts.append(
            f'<rect x="{x:.1f}" y="{height + pad - bar:.1f}" width="{max(step - 1, 1):.1f}"'
            f' height="{bar:.1f}" fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
        )
    if values:
        parts.append(
            f'<text x="{pad}" y="{height + 2 * pad - 4}" font-size="11">'
            f"{escape(values[0][0])}</text>"
        )
        parts.append(
            f'<text x="{width - pad}" y="{height + 2 * pad - 4}" font-size="11"'
            f' text-anchor="end">{escape(values[-1][0])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _medians(report: Report) -> str:
    """Per clock and group: the median against the target, as paired horizontal bars."""
    rows: list[tuple[str, int | None, int | None]] = []
    groups = report.groups or ()
    for name in REPORTED_CLOCKS:
        if groups:
            for g in groups:
                figures = g.first_response if name == "first_response" else g.resolution
                rows.append(
                    (
                        f"{TITLES[name]} · {group_label(report.by, g.key)}",
                        figures.median,
                        figures.target,
                    )
                )
        else:
            figures = report.clock(name)
            rows.append((TITLES[name], figures.median, figures.target))
    width, row_height, label_width = 640, 34, 220
    top = max([v for _, m, t in rows for v in (m, t) if v is not None] + [1])
    scale = (width - label_width - 20) / top
    parts = [
        f'<svg width="{width}" height="{row_height * len(rows) + 30}" role="img"'
        ' aria-label="median against target">',
        '<text x="0" y="14" font-size="13">'
        "Median (dark) against target (light), business time</text>",
    ]
    for index, (label, median, target) in enumerate(rows):
        y = 24 + index * row_height
        parts.append(f'<text x="0" y="{y + 16}" font-size="11">{escape(label)}</text>')
        if target is not None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{target * scale:.1f}" height="12"'
                f' fill="#c8d8ef"><title>target {duration_text(target)}</title></rect>'
            )
        if median is not None:
            colour = "#b03030" if target is not None and median > target else "#2d5f9a"
            parts.append(
                f'<rect x="{label_width}" y="{y + 16}" width="{median * scale:.1f}" height="12"'
                f' fill="{colour}"><title>median {duration_text(median)}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(report: Report) -> str:
    head = "".join(
        f"<th>{TITLES[c]} {h}</th>"
        for c in REPORTED_CLOCKS
        for h in ("median", "p90", "met", "breached")
    )
    rows = [
        (group_label(report.by, g.key), g.tickets, g.first_response, g.resolution)
        for g in report.groups
    ]
    rows.insert(0, ("all", report.tickets, report.first_response, report.resolution))
    body = []
    for key, tickets, first, resolution in rows:
        cells = "".join(
            f"<td>{duration_text(f.median)}</td><td>{duration_text(f.p90)}</td>"
            f"<td>{f.met} ({share_text(f.met_share)})</td><td>{f.breached}</td>"
            for f in (first, resolution)
        )
        body.append(f"<tr><td>{escape(key)}</td><td>{tickets}</td>{cells}</tr>")
    label = escape(report.by or "")
    rows_html = "".join(body)
    return f"<table><tr><th>{label or 'tickets'}</th><th>tickets</th>{head}</tr>{rows_html}</table>"


def report_html(report: Report) -> str:
    """The report as one self-contained HTML page (well-formed XML, inline SVG)."""
    first = iso(report.since, report.utc_offset)[:10]
    span = f"{first} to {iso(report.until - 1, report.utc_offset)[:10]}"
    days = [(d.day, d.breaches) for d in report.days]
    incoming = [(d.day, d.incoming) for d in report.days]
    targets = "".join(
        f"<li>{escape(policy)}: first response {duration_text(t['first_response'])},"
        f" resolution {duration_text(t['resolution'])}</li>"
        for policy, t in report.targets.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"/>'
        f"<title>SLA report {escape(span)}</title>"
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
        "svg{display:block;margin:1em 0}</style></head><body>"
        f"<h1>SLA report</h1><p>Tickets created {escape(span)}: {report.tickets}."
        f" As of {escape(iso(report.now, report.utc_offset))}.</p>"
        f"{_table(report)}"
        f"<h2>Targets</h2><ul>{targets or '<li>no policy applied</li>'}</ul>"
        f"<h2>Charts</h2>{_bars('Breaches per day', days, '#b03030')}"
        f"{_bars('Incoming tickets per day', incoming, '#2d5f9a')}{_medians(report)}"
        "</body></html>\n"
    )
