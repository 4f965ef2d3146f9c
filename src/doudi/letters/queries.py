"""Every read of the letters app. Letters are read through the scoped manager (``Letter.objects``:
the caller's region subtree, fails closed), so a letter outside it is simply not found (404)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet
from django.http import Http404

from doudi.letters.models import Letter, LetterTemplate
from doudi.letters.render import LITIGATION_MONTHS_DEFAULT, REVIEW_DAYS_DEFAULT, default_body
from doudi.regions.models import Region

# what lists need: never the PDF bytes nor the rendered context
LIST_FIELDS_DEFERRED = ("pdf", "context")


# ---- letters ---------------------------------------------------------------------------------------


def letters() -> QuerySet[Letter]:
    """The letters of the current scope (no PDF bytes loaded)."""
    return Letter.objects.defer(*LIST_FIELDS_DEFERRED)


def letter_in_scope(pk: int) -> Letter:
    """One letter of the current scope with its PDF; ``Http404`` outside it."""
    try:
        return Letter.objects.select_related("issued_by", "corrects").get(pk=pk)
    except (Letter.DoesNotExist, ValueError, TypeError):
        raise Http404("文书不存在") from None


def letter_for_download(user, pk: int) -> Letter:
    """The letter ``pk`` if it lies in ``user``'s region subtree (404 otherwise)."""
    letter = letter_in_scope(pk)
    region = getattr(user, "region_id", None)
    if not region or not letter.region_code.startswith(_prefix(region)):
        raise Http404("文书不存在")
    return letter


def letters_for_ref(ref_type: str, ref_id: int) -> list[Letter]:
    """The letters issued about one record (e.g. an application), oldest first."""
    return list(letters().filter(ref_type=ref_type, ref_id=ref_id).order_by("issued_on", "id"))


def corrections_of(letter: Letter) -> list[Letter]:
    """The letters correcting ``letter`` (in scope), oldest first."""
    return list(letters().filter(corrects=letter).order_by("id"))


def letters_for_household(household_id: int) -> list[Letter]:
    return list(letters().filter(household_id=household_id).order_by("-issued_on", "-id"))


def undelivered_of_township(township_code: str) -> list[Letter]:
    """A township's letters not yet delivered, oldest first (its delivery work list)."""
    prefix = _prefix(township_code)
    return list(
        letters()
        .filter(region_code__startswith=prefix, delivered_on__isnull=True)
        .order_by("issued_on", "id")
    )


def filter_letters(
    *,
    kind: str = "",
    township: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    delivered: str = "",
) -> QuerySet[Letter]:
    """The letter list's filters: kind, township (code), issued date range, delivered (``yes``/``no``)."""
    qs = letters().select_related("issued_by")
    if kind:
        qs = qs.filter(kind=kind)
    if township:
        qs = qs.filter(region_code__startswith=_prefix(township))
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    if delivered == "yes":
        qs = qs.filter(delivered_on__isnull=False)
    elif delivered == "no":
        qs = qs.filter(delivered_on__isnull=True)
    return qs.order_by("-issued_on", "-id")


def letters_by_ids(ids: Sequence[int]) -> list[Letter]:
    """The scoped letters among ``ids``, with their PDFs, in the order given (others left out)."""
    found = {letter.pk: letter for letter in Letter.objects.filter(pk__in=list(ids))}
    return [found[i] for i in ids if i in found]


def letters_for_batch(
    *,
    township: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    kind: str = "",
    undelivered_only: bool = False,
) -> list[Letter]:
    """The letters a batch print selects, with their PDFs, oldest first (the order they are handed out)."""
    qs = Letter.objects.filter(region_code__startswith=_prefix(township))
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(issued_on__gte=date_from)
    if date_to:
        qs = qs.filter(issued_on__lte=date_to)
    if undelivered_only:
        qs = qs.filter(delivered_on__isnull=True)
    return list(qs.order_by("issued_on", "id"))


def batch_pdf(letters: Iterable[Letter]) -> bytes:
    """One PDF of the stored letters, in the given order (each exactly as issued)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for letter in letters:
        writer.append(PdfReader(io.BytesIO(letter.pdf_bytes())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- templates -------------------------------------------------------------------------------------


def current_template(kind: str, *, for_update: bool = False) -> LetterTemplate | None:
    """The latest saved version of ``kind``'s template, or None (the shipped default is used)."""
    qs = LetterTemplate.objects.filter(kind=kind).order_by("-version")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def default_template_body(kind: str) -> str:
    return default_body(kind)


def template_versions(kind: str) -> list[LetterTemplate]:
    return list(LetterTemplate.objects.filter(kind=kind).select_related("edited_by").order_by("-version"))


def template_version(kind: str, version: int) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(kind=kind, version=version).first()


def latest_versions() -> dict[str, LetterTemplate]:
    """Each kind's latest saved version (one query)."""
    out: dict[str, LetterTemplate] = {}
    for tpl in LetterTemplate.objects.select_related("edited_by").order_by("kind", "-version"):
        out.setdefault(tpl.kind, tpl)
    return out


# ---- places, parameters ----------------------------------------------------------------------------


def _prefix(code: str) -> str:
    from doudi.core.scoping import prefix_of

    return prefix_of(str(code))


@dataclass(frozen=True)
class Places:
    region_code: str
    region_name: str
    county_code: str
    county_name: str
    county_short: str
    township_name: str

    @property
    def county_issuer(self) -> str:
        return f"{self.county_name}民政局"

    @property
    def local_issuer(self) -> str:
        if not self.township_name:
            return self.county_issuer
        suffix = "办事处" if self.township_name.endswith("街道") else "人民政府"
        return f"{self.township_name}{suffix}"


def _short(name: str) -> str:
    if name.endswith("自治县"):
        return name[:2]
    return name[:-1] if len(name) > 2 and name[-1] in "市县区" else name


@lru_cache(maxsize=1)
def _county_shorts() -> dict[str, str]:
    """County code (6 digits) → short name for letter numbers (the code where two names clash)."""
    rows = list(Region.objects.filter(level="county").values_list("code", "name"))
    seen: dict[str, int] = {}
    for _, name in rows:
        seen[_short(name)] = seen.get(_short(name), 0) + 1
    return {code[:6]: (_short(name) if seen[_short(name)] == 1 else code[:6]) for code, name in rows}


def places_of(region_code: str) -> Places | None:
    """The names a letter of ``region_code`` shows (a county, township or village; None otherwise)."""
    code = str(region_code or "").ljust(12, "0")
    if not code.isdigit() or len(code) != 12 or not code[4:6].strip("0"):
        return None
    wanted = {code, code[:6].ljust(12, "0"), code[:9].ljust(12, "0")}
    regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    own, county = regions.get(code), regions.get(code[:6].ljust(12, "0"))
    if own is None or county is None or county.level != "county":
        return None
    township = regions.get(code[:9].ljust(12, "0")) if code[6:9].strip("0") else None
    return Places(
        region_code=code,
        region_name=own.full_name or own.name,
        county_code=code[:6],
        county_name=county.name,
        county_short=_county_shorts().get(code[:6], code[:6]),
        township_name=township.name if township else "",
    )


def township_choices(prefix: str) -> list[tuple[str, str]]:
    """(code, name) of the townships in a scope, for the filters and the batch print."""
    return list(
        Region.objects.filter(level="township", code__startswith=prefix)
        .order_by("code")
        .values_list("code", "name")
    )


def remedy_params(region_code: str, on: dt.date) -> tuple[int, int]:
    """``remedy.review_days`` and ``remedy.litigation_months`` in force for the region on ``on``
    (the nearest region up the tree that sets them), else the defaults (60 days, 6 months)."""
    try:
        from doudi.policy.params_store import active_rows, ancestry

        rows = active_rows()
        chain = ancestry(region_code)
    except (ImportError, LookupError, ValueError):  # unknown region or no store: the statutory defaults
        return REVIEW_DAYS_DEFAULT, LITIGATION_MONTHS_DEFAULT

    def value(key: str, default: int) -> int:
        for code in chain:
            for row in rows:
                if (
                    row.key == key
                    and row.region_code == code
                    and row.effective_from <= on
                    and (row.effective_to is None or on <= row.effective_to)
                ):
                    try:
                        return int(float(row.value))
                    except (TypeError, ValueError):
                        return default
        return default

    return value("remedy.review_days", REVIEW_DAYS_DEFAULT), value(
        "remedy.litigation_months", LITIGATION_MONTHS_DEFAULT
    )
