"""Pages of batch reassessment runs and policy simulations (R-S3), mounted at ``policy/runs/``.

Thin adapters over ``tasks`` (start a background reassessment), ``simulation.simulate`` (synchronous),
``run_actions`` (audited download) and ``run_report`` (tables, chart data). Runs are region-scoped:
``PolicyRun.objects`` shows only runs of the user's subtree, any other run is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from doudi.core.access import is_htmx, scoped_view
from doudi.core.http import private, xlsx_download
from doudi.core.scoping import prefix_of
from doudi.policy import queries, run_actions, run_report, simulation, tasks
from doudi.policy.forms_runs import ReassessForm, SimulateForm
from doudi.policy.models import PolicyRun
from doudi.regions.queries import names_for
from doudi.registry import queries as registry_queries

RUNS_SHOWN = 50
# a simulation runs inside the request; larger regions go to `doudi simulate` (or a sub-region)
WEB_SIMULATION_MAX_HOUSEHOLDS = 300_000
NOT_FOUND = "测算记录不存在，或不在您的管辖范围内"


def _allowed(request) -> None:
    if not run_actions.can_run(request.user):
        raise PermissionDenied("您的角色无权进行批量测算或政策模拟")


def _may_start(request) -> None:
    if not run_actions.can_start(request.user):
        raise PermissionDenied(run_actions.START_DENIED)


def _run_or_404(pk: int) -> PolicyRun:
    try:
        return queries.get_run(pk)
    except PolicyRun.DoesNotExist:
        raise Http404(NOT_FOUND) from None


def _index_context(request, form: ReassessForm) -> dict:
    runs = queries.recent_runs(RUNS_SHOWN)
    names = names_for({r.region_code for r in runs})
    rows = [{"run": r, "region_name": names.get(r.region_code, r.region_code)} for r in runs]
    return {"form": form, "runs": rows}


@require_GET
@scoped_view(allow=run_actions.can_run, denied="您的角色无权进行批量测算或政策模拟")
def index(request):
    form = ReassessForm(user=request.user)
    return private(render(request, "policy/runs/index.html", _index_context(request, form)), htmx=False)


@require_POST
@scoped_view
def reassess(request):
    _allowed(request)
    _may_start(request)
    form = ReassessForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "policy/runs/index.html", _index_context(request, form), status=400)
    try:
        run = tasks.start_reassessment(
            actor=request.user, region_code=form.cleaned_data["region"], as_of=form.cleaned_data["as_of"]
        )
    except (run_actions.RunError, PermissionError) as exc:
        form.add_error(None, str(exc))
        return render(request, "policy/runs/index.html", _index_context(request, form), status=400)
    return redirect("policy_runs:run", pk=run.pk)


@require_http_methods(["GET", "POST"])
@scoped_view
def simulate(request):
    _allowed(request)
    if request.method == "POST":
        _may_start(request)
    form = SimulateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        count = registry_queries.count_households_under(prefix_of(form.cleaned_data["region"]))
        if count > WEB_SIMULATION_MAX_HOUSEHOLDS:
            form.add_error(
                "region",
                f"该区划有 {count:,} 户，超过网页模拟上限 {WEB_SIMULATION_MAX_HOUSEHOLDS:,} 户；"
                "请选择下级区划，或由管理员使用命令 doudi simulate 运行",
            )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = simulation.simulate(
                region_code=form.cleaned_data["region"],
                changes=[form.change()],
                as_of=form.cleaned_data["as_of"],
                actor=request.user,
            )
        except (simulation.SimulationError, run_actions.RunError, PermissionError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("policy_runs:run", pk=outcome.run_id)
    status = 400 if request.method == "POST" else 200
    return private(render(request, "policy/runs/simulate.html", {"form": form}, status=status), htmx=False)


def _detail_context(run: PolicyRun) -> dict:
    s = run.summary or {}
    region = names_for({run.region_code}).get(run.region_code, run.region_code)
    context = {
        "run": run,
        "region_name": region,
        "summary": s,
        "finished": run.status == PolicyRun.Status.DONE,
    }
    if context["finished"]:
        movers, count = run_report.movers(run)
        context.update(
            matrix=run_report.matrix(s),
            counties=run_report.regions(s, "county"),
            townships=run_report.regions(s, "township"),
            movers=movers,
            movers_count=count,
            movers_shown=run_report.MOVERS_SHOWN,
            chart=run_report.chart_data(run),
            tiers=[
                (run_report.tier_label(t), s.get("before", {}).get(t, 0), s.get("after", {}).get(t, 0))
                for t in s.get("tiers", [])
            ],
        )
    return context


@require_GET
@scoped_view
def run_page(request, pk: int):
    _allowed(request)
    run = _run_or_404(pk)
    return private(render(request, "policy/runs/run.html", _detail_context(run)), htmx=False)


@require_GET
@scoped_view
def progress(request, pk: int):
    """The progress fragment polled by htmx; once the run has ended, the page reloads."""
    _allowed(request)
    run = _run_or_404(pk)
    response = render(request, "policy/runs/partials/progress.html", {"run": run})
    if is_htmx(request) and run.status in (PolicyRun.Status.DONE, PolicyRun.Status.FAILED):
        response["HX-Refresh"] = "true"
    return private(response)


@require_POST
@scoped_view
def export(request, pk: int):
    _allowed(request)
    run = _run_or_404(pk)
    try:
        data = run_actions.export_run_workbook(
            actor=request.user, run=run, link_base=request.build_absolute_uri("/")
        )
    except run_actions.RunError as exc:
        messages.error(request, str(exc))
        return redirect("policy_runs:run", pk=run.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return private(xlsx_download(data, f"policy-run-{run.pk}-{stamp}.xlsx"), htmx=False)
