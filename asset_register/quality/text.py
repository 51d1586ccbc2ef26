"""The quality figures as plain-text tables for people (the CLI; the desktop dock shows the
same rows, see ``rows``)."""

from __future__ import annotations

ACC_HEAD = ["±0.3 m", "±0.5 m", "±1 m", ">1 m/B4", "QL-C/D", "none"]


def pct(share) -> str:
    return "—" if share is None else f"{100 * share:.1f} %"


def _day(day) -> str:
    return day or "—"


def coverage_rows(report: dict) -> list[list[str]]:
    return [[r["owner"], r["name"], "none recorded" if r["coverage_km2"] is None
             else f"{r['coverage_km2']:.3f}", pct(r["coverage_share"])] for r in report["owners"]]


def gap_rows(report: dict) -> list[list[str]]:
    return [[u["utility"] + (" (expected)" if u["expected"] else ""),
             ", ".join(u["owners"]) or "no owner", f"{u['gap_km2']:.3f}",
             pct(u["uncovered_share"])] for u in report["utilities"]]


def _rows(report: dict) -> list[dict]:
    return [*report["owners"], {**report["totals"], "owner": "all"}]


def accuracy_rows(report: dict) -> list[list[str]]:
    return [[r["owner"], f"{r['assets']:,}", pct(r["accuracy"]["known_share"]),
             *[f"{v:,}" for v in r["accuracy"]["classes"].values()]] for r in _rows(report)]


def age_rows(report: dict) -> list[list[str]]:
    return [[r["owner"], _day(r["age"]["newest_delivery"]), _day(r["age"]["oldest_delivery"]),
             _day(r["age"]["captured_median"]), pct(r["age"]["older_than_5y_share"]),
             pct(r["age"]["older_than_10y_share"]), f"{r['age']['classes']['unknown']:,}"]
            for r in _rows(report)]


def needs_shown(report: dict) -> list[str]:
    return [n["field"] for n in report["needs"]]


def missing_rows(report: dict) -> list[list[str]]:
    out = []
    for r in _rows(report):
        cells = []
        for field in needs_shown(report):
            m = r["missing"][field]
            cells.append("—" if not m["needed"] else
                         f"{m['missing']:,} of {m['needed']:,} ({pct(m['missing_share'])})")
        out.append([r["owner"], *cells])
    return out


def deviation_rows(report: dict) -> list[list[str]]:
    rows = [[r["owner"], str(r["open_deviations"])] for r in report["owners"]]
    if report["totals"].get("open_deviations_no_owner"):
        rows.append(["no known owner", str(report["totals"]["open_deviations_no_owner"])])
    return [*rows, ["all", str(report["totals"]["open_deviations"])]]


def table(head: list[str], rows: list[list[str]], left: int = 1, indent: str = "  ") -> list[str]:
    """Aligned columns: the first ``left`` to the left (names), the others to the right."""
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]

    def line(cells):
        return indent + "  ".join(
            str(c).ljust(w) if i < left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()
    return [line(head), *[line(r) for r in rows]]


def tables(report: dict) -> list[tuple[str, str, list[str], list[list[str]], int]]:
    """(short name, title, header, rows, columns aligned left) of every table, in order: what
    the CLI prints and the desktop dock shows."""
    gap = report["no_owner_gap"]
    return [
        ("Coverage", "Coverage (area each owner's data covers)",
         ["owner", "name", "km²", "share"], coverage_rows(report), 2),
        ("Gaps", f"Gaps: no owner's data covers {gap['gap_km2']:.3f} km² "
                 f"({pct(gap['uncovered_share'])}) of the area; per utility:",
         ["utility", "owners", "uncovered km²", "share"], gap_rows(report), 2),
        ("Accuracy", "Accuracy (records with a stated accuracy or PAS 128 level; records per "
                     "class)", ["owner", "assets", "known", *ACC_HEAD], accuracy_rows(report), 1),
        ("Age", "Record age (deliveries of the live records; capture dates)",
         ["owner", "newest delivery", "oldest delivery", "captured median", "> 5 y", "> 10 y",
          "no date"], age_rows(report), 1),
        ("Missing", "Attributes the rules need, missing (of the records that need them)",
         ["owner", *needs_shown(report)], missing_rows(report), 1),
        ("Deviations", "Open deviation reports", ["owner", "open"], deviation_rows(report), 1),
    ]


def headline(report: dict) -> list[str]:
    area = report["area"]
    where = ("whole register" if area["whole_register"] else "area") + f", {area['km2']:.3f} km²"
    return [f"Data quality of {report['register']} ({where}) on {report['on']}, "
            f"rules {report['rules_version']}",
            f"{report['assets']:,} live assets; {len(report['owners'])} owners shown; "
            f"open deviation reports: {report['totals']['open_deviations']}"
            + (f" ({report['totals']['open_deviations_no_owner']} of no known owner)"
               if report["totals"].get("open_deviations_no_owner") else "")]


def report_text(report: dict) -> str:
    out = headline(report)
    for _, title, head, rows, left in tables(report):
        out += ["", title, *table(head, rows, left=left)]
    return "\n".join(out)
