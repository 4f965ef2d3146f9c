"""Every read of the evaluation. The list of runs is province-wide (years, levels, when, by whom, weights); a run's
rows are region-scoped (``Row.objects``): a user sees the rows of their own subtree — a county its own row, a
city its counties (and its own row in a city-level run), the province every row — each with its ranks among
its peers, never a peer's figures. A row outside the scope is ``Row.DoesNotExist`` (the pages and API 404)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from doudi.evaluation import indicators
from doudi.evaluation.models import Row, Run
from doudi.regions.queries import names_for


def runs(year: int | None = None) -> QuerySet[Run]:
    qs = Run.objects.order_by("-year", "-pk")
    return qs if year is None else qs.filter(year=year)


def get_run(pk: int) -> Run:
    return Run.objects.get(pk=pk)


def rows(run: Run) -> QuerySet[Row]:
    """The run's rows the caller may see, best first (unranked last, then by code)."""
    return Row.objects.filter(run=run).order_by("rank", "region_code")


def ordered(run: Run) -> list[Row]:
    got = list(rows(run))
    got.sort(key=lambda r: (r.rank is None, r.rank or 0, r.region_code))
    return got


def get_row(run: Run, code: str) -> Row:
    return Row.objects.get(run=run, region_code=str(code).ljust(12, "0"))


def weights(run: Run) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in run.weights.items()}


def breakdown(run: Run, row: Row) -> list[dict]:
    """Per indicator: the counts, the share, its normalised value, the weight and the points it adds."""
    w = weights(run)
    counts = row.counts()
    applied = indicators.applied_weight(counts, w)
    out = []
    for ind in indicators.INDICATORS:
        num, den = counts.get(ind.key, (0, 0))
        share = indicators.share(num, den)
        out.append({
            "ind": ind, "num": num, "den": den, "share": share, "normalised": indicators.normalised(ind, share),
            "weight": w.get(ind.key, Decimal(0)), "points": indicators.contribution(ind, num, den, w, applied),
            "applies": den > 0, "pct": indicators.percent(share),
        })  # fmt: skip
    return out


def table(run: Run) -> list[dict]:
    """The ranking table the caller may see: each row with its region's and its city's names and its shares."""
    got = ordered(run)
    names = names_for({r.region_code for r in got} | {r.parent_code for r in got if r.parent_code})
    out = []
    for r in got:
        shares = []
        for ind in indicators.INDICATORS:
            f = r.figures.get(ind.key, {})
            shares.append({"name": ind.name, "num": f.get("num", 0), "den": f.get("den", 0), "share": f.get("share"),
                           "pct": indicators.percent(f.get("share"))})  # fmt: skip
        out.append({"row": r, "name": names.get(r.region_code, r.region_code),
                    "city": names.get(r.parent_code, "") if run.level == "county" else "", "shares": shares})  # fmt: skip
    return out


def totals(run: Run) -> list[dict]:
    """The visible rows summed per indicator (the caller's subtree as a whole)."""
    got = list(rows(run))
    out = []
    for ind in indicators.INDICATORS:
        num = sum(int(r.figures.get(ind.key, {}).get("num", 0)) for r in got)
        den = sum(int(r.figures.get(ind.key, {}).get("den", 0)) for r in got)
        share = indicators.share(num, den)
        out.append({"ind": ind, "num": num, "den": den, "share": share, "pct": indicators.percent(share)})
    return out
