"""Staff pages of the performance evaluation (phone-friendly): the runs and the start form, a run's ranking
(bar chart with the data table beside it), a region's breakdown, the year-end report as Excel and PDF (audited).
A run's rows are those of the caller's subtree; a region outside it is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from doudi.core.access import scoped_view
from doudi.core.http import private, xlsx_download
from doudi.evaluation import actions, indicators, queries, report
from doudi.evaluation.actions import EvaluationError
from doudi.evaluation.forms import RunForm
from doudi.evaluation.models import Row, Run
from doudi.regions.queries import names_for

NOT_FOUND = "绩效评价结果不存在，或不在您的管辖范围内"


def _run(pk: int) -> Run:
    try:
        return queries.get_run(pk)
    except Run.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _index(request, form: RunForm, status: int = 200):
    ctx = {"runs": list(queries.runs()[:100]), "form": form, "can_run": request.user.can("evaluation.run")}
    return private(render(request, "evaluation/index.html", ctx, status=status), htmx=False)


@require_GET
@scoped_view("evaluation.read")
def index(request):
    return _index(request, RunForm())


@require_POST
@scoped_view("evaluation.run")
def start(request):
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = actions.run_evaluation(year=form.cleaned_data["year"], level=form.cleaned_data["level"],
                                         actor=request.user)  # fmt: skip
        except EvaluationError as exc:
            form.add_error(exc.path if exc.path in form.fields else None, str(exc))
        else:
            messages.success(request, f"已完成{run.year}年度绩效评价，共{run.regions}个地区")
            return redirect("evaluation:detail", pk=run.pk)
    return _index(request, form, status=422)


@require_GET
@scoped_view("evaluation.read")
def detail(request, pk: int):
    run = _run(pk)
    table = queries.table(run)
    chart = {
        "names": [t["name"] for t in table if t["row"].score is not None],
        "scores": [float(t["row"].score) for t in table if t["row"].score is not None],
    }
    ctx = {
        "run": run, "table": table, "chart": chart, "totals": queries.totals(run),
        "ranked": [t for t in table if t["row"].rank is not None],
        "unranked": [t for t in table if t["row"].rank is None],
        "indicators": [{"ind": i, "weight": queries.weights(run).get(i.key)} for i in indicators.INDICATORS],
        "title": report.title(run),
    }  # fmt: skip
    return private(render(request, "evaluation/detail.html", ctx), htmx=False)


@require_GET
@scoped_view("evaluation.read")
def region(request, pk: int, code: str):
    run = _run(pk)
    try:
        row = queries.get_row(run, code)
    except Row.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    names = names_for({row.region_code, row.parent_code})
    ctx = {
        "run": run, "row": row, "name": names.get(row.region_code, row.region_code),
        "city": names.get(row.parent_code, "") if run.level == "county" else "",
        "items": queries.breakdown(run, row), "title": report.title(run),
    }  # fmt: skip
    return private(render(request, "evaluation/region.html", ctx), htmx=False)


@require_GET
@scoped_view("evaluation.read")
def export_xlsx(request, pk: int):
    run = _run(pk)
    data, n = report.xlsx(run)
    actions.record_export(actor=request.user, run=run, fmt="xlsx", rows=n, region_code=request.user.region_id)
    return private(xlsx_download(data, f"evaluation-{run.year}-{run.level}-{run.pk}.xlsx"), htmx=False)


@require_GET
@scoped_view("evaluation.read")
def export_pdf(request, pk: int):
    run = _run(pk)
    data, n = report.pdf(run)
    actions.record_export(actor=request.user, run=run, fmt="pdf", rows=n, region_code=request.user.region_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{run.year}-{run.level}-{run.pk}.pdf"'
    return private(response, htmx=False)
