"""Letter pages: the region's letter list, one letter (download, delivery), batch printing, and the
template editor for province administrators. Reads through ``queries``, writes through ``actions``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from doudi.core.access import scoped_view
from doudi.core.audit import record_read
from doudi.core.audit_actions import AuditAction
from doudi.core.http import private
from doudi.letters import actions, queries
from doudi.letters.forms import BatchForm, DeliveryForm, LetterFilterForm, TemplateForm
from doudi.letters.kinds import KINDS, STANDARD_VARIABLES
from doudi.letters.models import LetterKind
from doudi.letters.render import LetterError, preview_pdf

PAGE_SIZE = 50
BATCH_MAX = 500  # one print job; more is split by date range


def _may_edit_templates(user) -> bool:
    return user.role in actions.TEMPLATE_EDITORS


def _townships(user) -> list[tuple[str, str]]:
    from doudi.core.scoping import prefix_of

    return queries.township_choices(prefix_of(user.region_id))


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{filename}"
    return private(response, htmx=False)


@require_GET
@scoped_view("registry.read")
def letter_list(request):
    form = LetterFilterForm(request.GET or None, townships=_townships(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    qs = queries.filter_letters(**{k: v for k, v in filters.items() if v})
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "letters/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_write": request.user.can("registry.write"),
        },
    )


@require_http_methods(["GET", "POST"])
@scoped_view("registry.read")
def letter_detail(request, pk: int):
    letter = queries.letter_for_download(request.user, pk)
    can_write = request.user.can("registry.write")
    form = DeliveryForm(request.POST or None, initial={"addressee": letter.addressee})
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("您的角色无权登记文书送达")
        if form.is_valid():
            try:
                actions.record_delivery(actor=request.user, letter=letter, **form.cleaned_data)
            except LetterError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已登记送达")
                return redirect("letters:detail", pk=letter.pk)
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "form": form,
            "can_write": can_write,
            "corrections": queries.corrections_of(letter),
        },
    )


@require_GET
@scoped_view("registry.read")
def letter_pdf(request, pk: int):
    letter = queries.letter_for_download(request.user, pk)
    record_read(
        actor=request.user,
        action=AuditAction.LETTER_DOWNLOAD,
        region_code=letter.region_code,
        subject_type="letter",
        subject_id=letter.pk,
        detail=letter.number,
    )
    return pdf_response(letter.pdf_bytes(), f"letter-{letter.pk}.pdf")


@require_http_methods(["GET", "POST"])
@scoped_view("registry.read")
def batch(request):
    townships = _townships(request.user)
    data = request.POST if request.method == "POST" else None
    form = BatchForm(data, townships=townships)
    ids = [int(i) for i in request.POST.getlist("letter") if i.isdigit()] if data else []
    letters = []
    if ids:
        letters = queries.letters_by_ids(ids[:BATCH_MAX])
    elif data is not None and form.is_valid():
        letters = queries.letters_for_batch(**form.cleaned_data)
        if not letters:
            form.add_error(None, "所选范围内没有文书")
        elif len(letters) > BATCH_MAX:
            form.add_error(None, f"一次最多打印{BATCH_MAX}份文书，请缩小日期范围")
            letters = []
    if letters:
        record_read(
            actor=request.user,
            action=AuditAction.LETTER_BATCH_PRINT,
            region_code=request.user.region_id,
            subject_type="letters",
            subject_id=len(letters),
            detail="批量打印：" + "、".join(letter.number for letter in letters[:20])[:480],
        )
        return pdf_response(queries.batch_pdf(letters), "letters-batch.pdf", inline=False)
    if data is not None and ids:
        form.add_error(None, "所选文书不存在或不在您的管辖范围内")
    return render(request, "letters/batch.html", {"form": form})


@require_GET
@scoped_view("registry.read", allow=_may_edit_templates, denied="只有省级民政或系统管理员可以修改文书模板")
def templates(request):
    latest = queries.latest_versions()
    rows = [{"kind": k, "label": label, "current": latest.get(k)} for k, label in LetterKind.choices]
    return render(request, "letters/templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@scoped_view("registry.read", allow=_may_edit_templates, denied="只有省级民政或系统管理员可以修改文书模板")
def template_edit(request, kind: str):
    if kind not in KINDS:
        raise Http404("文书种类不存在")
    versions = queries.template_versions(kind)
    shown = versions[0] if versions else None
    if request.GET.get("version", "").isdigit():
        shown = queries.template_version(kind, int(request.GET["version"])) or shown
    initial = (
        {"title": shown.title, "body": shown.body}
        if shown
        else {"title": KINDS[kind].label, "body": queries.default_template_body(kind)}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                return pdf_response(preview_pdf(kind, data["body"], data["title"]), f"preview-{kind}.pdf")
            tpl = actions.save_template(actor=request.user, kind=kind, **data)
        except LetterError as exc:
            form.add_error("body", str(exc))
        else:
            messages.success(request, f"已保存为第{tpl.version}版，此后出具的文书使用新版本")
            return redirect("letters:template_edit", kind=kind)
    return render(
        request,
        "letters/template_edit.html",
        {
            "kind": kind,
            "spec": KINDS[kind],
            "standard": STANDARD_VARIABLES,
            "form": form,
            "versions": versions,
            "shown": shown,
        },
    )
