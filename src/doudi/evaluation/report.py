"""The year-end report of a run (年度绩效评价报告) as Excel and PDF: the rows the caller may see, every indicator
with its numerator and denominator beside the share, so each figure can be recounted from the data. Chinese
only; the PDF with the Debian CJK fonts (as the letters, ``letters.render.render_pdf``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from doudi.core.workbook import sheet_bytes
from doudi.evaluation import indicators, queries
from doudi.evaluation.models import Run
from doudi.letters.render import render_pdf


def title(run: Run) -> str:
    return f"{run.year}年度社会救助工作绩效评价（{run.level_label}）"


def columns(run: Run) -> list[str]:
    head = ["全省排名", "参评数", "地区"]
    if run.level == "county":
        head += ["所属市（州）", "全市排名", "市内参评数"]
    head.append("得分")
    for ind in indicators.INDICATORS:
        head += [
            f"{ind.name}：{ind.numerator}",
            f"{ind.name}：{ind.denominator}",
            f"{ind.name}（{ind.direction_label}）",
        ]
    return head


def rows(run: Run) -> list[list]:
    out = []
    for t in queries.table(run):
        r = t["row"]
        line: list = [r.rank if r.rank is not None else "未排名", r.peers, t["name"]]
        if run.level == "county":
            line += [t["city"], r.rank_in_city if r.rank_in_city is not None else "未排名", r.city_peers]
        line.append(str(r.score) if r.score is not None else "无数据")
        for s in t["shares"]:
            line += [s["num"], s["den"], s["pct"]]
        out.append(line)
    return out


def xlsx(run: Run) -> tuple[bytes, int]:
    return sheet_bytes(f"{run.year}年度绩效评价", columns(run), rows(run))


def pdf(run: Run) -> tuple[bytes, int]:
    table = queries.table(run)
    w = queries.weights(run)
    ctx = {
        "title": title(run),
        "run": run,
        "table": table,
        "indicators": [{"ind": i, "weight": w.get(i.key)} for i in indicators.INDICATORS],
        "totals": queries.totals(run),
        "printed": timezone.localtime(),
    }
    return render_pdf(render_to_string("evaluation/report_pdf.html", ctx)), len(table)
