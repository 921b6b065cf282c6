"""Board pack files from `selectors.board_pack(...)` data: an XLSX workbook and a PDF. No ORM here."""

from __future__ import annotations

import io
import re

import xlsxwriter

from sufficiency.pdf import render_pdf

HEADERS = [
    "Priority",
    "Action",
    "Owner team",
    "Lead officer",
    "Timescale",
    "Due by",
    "Status",
    "RAG",
    "RAG rule",
    "Progress note",
    "Updates since",
]


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        candidate = f"{base[:28]} {n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def _updates_text(action) -> str:
    lines = []
    for u in action.updates_since:
        who = (u.user.get_full_name() or u.user.username) if u.user else "unknown"
        line = f"{u.created_at:%d/%m/%Y} {who}: {u.from_status or '-'} → {u.to_status}"
        if u.comment:
            line += f". {u.comment}"
        if u.evidence_url:
            line += f" ({u.evidence_url})"
        lines.append(line)
    return "\n".join(lines)


def board_pack_xlsx(pack: dict) -> bytes:
    """A Summary sheet then one sheet per portfolio, every action with status, RAG and recent updates."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    head = book.add_format(
        {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    used: set[str] = set()

    summary = book.add_worksheet(_sheet_name("Summary", used))
    summary.write(0, 0, "Commissioning & Resourcing Priorities: board pack", bold)
    summary.write(1, 0, f"Produced {pack['today']:%d %B %Y}; updates since {pack['since']:%d %B %Y}.")
    cols = ["Portfolio", "Actions", "Red", "Amber", "Green", "Not rated", "Late", "Updated since"]
    statuses = list(pack["summary"][0]["status"]) if pack["summary"] else []
    cols += statuses
    for c, text in enumerate(cols):
        summary.write(3, c, text, head)
    row = 4
    for item in pack["summary"]:
        values = [
            item["portfolio"].name,
            item["total"],
            item["rag"]["red"],
            item["rag"]["amber"],
            item["rag"]["green"],
            item["rag"]["none"],
            item["late"],
            item["updated"],
            *[item["status"][s] for s in statuses],
        ]
        for c, value in enumerate(values):
            summary.write(row, c, value)
        row += 1
    summary.write(row, 0, "Total", bold)
    for c in range(1, len(cols)):
        summary.write(row, c, sum(_summary_value(item, c, statuses) for item in pack["summary"]), bold)
    summary.set_column(0, 0, 28)
    summary.set_column(1, len(cols), 11)

    for section in pack["sections"]:
        sheet = book.add_worksheet(_sheet_name(section.portfolio.name, used))
        sheet.write(0, 0, section.portfolio.name, bold)
        for c, text in enumerate(HEADERS):
            sheet.write(2, c, text, head)
        for r, action in enumerate(section.actions, start=3):
            rag = action.rag_result
            teams = ", ".join([action.owner_team.name, *(t.name for t in action.co_owner_teams.all())])
            sheet.write(r, 0, action.priority.title, wrap)
            sheet.write(r, 1, action.description, wrap)
            sheet.write(r, 2, teams, wrap)
            sheet.write(r, 3, action.lead_officer, wrap)
            sheet.write(r, 4, action.timescale_text, wrap)
            if action.due_end:
                sheet.write_datetime(r, 5, action.due_end, date_fmt)
            else:
                sheet.write_blank(r, 5, None)
            sheet.write(r, 6, action.status, wrap)
            sheet.write(r, 7, rag.label, wrap)
            sheet.write(r, 8, rag.rule, wrap)
            sheet.write(r, 9, action.progress_note, wrap)
            sheet.write(r, 10, _updates_text(action), wrap)
        sheet.set_column(0, 1, 45)
        sheet.set_column(2, 8, 16)
        sheet.set_column(8, 10, 40)
        sheet.freeze_panes(3, 0)
    book.close()
    return out.getvalue()


def _summary_value(item: dict, column: int, statuses: list[str]) -> int:
    fixed = [
        None,
        item["total"],
        item["rag"]["red"],
        item["rag"]["amber"],
        item["rag"]["green"],
        item["rag"]["none"],
        item["late"],
        item["updated"],
    ]
    return fixed[column] if column < len(fixed) else item["status"][statuses[column - len(fixed)]]


def board_pack_pdf(html: str, *, base_url: str, css: str = "", title: str | None = None) -> bytes | None:
    """The board pack as a tagged PDF (title from `title` or the HTML's <title>); None when WeasyPrint
    cannot run here."""
    return render_pdf(html, title=title, css=css, base_url=base_url)
