"""Rendering letters: the template engine for (administrator-edited) letter bodies, the fixed page
layout around them, the standard variables, and the PDF (WeasyPrint). Reads only, writes nothing.

Letter bodies run in an engine of their own: no template loaders (an edited body cannot include or
extend other templates of the site) and the letter filters built in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from doudi.letters.kinds import KINDS
from doudi.letters.templatetags.letters import zh_date

DEFAULTS_DIR = Path(__file__).parent / "templates" / "letters" / "defaults"
REVIEW_DAYS_DEFAULT = 60
LITIGATION_MONTHS_DEFAULT = 6
SEAL = "（印章）"

# a full identity number: 17 digits and a digit or X, or 15 digits, not part of a longer number
FULL_ID = re.compile(r"(?<![0-9])(?:\d{17}[0-9Xx]|\d{15})(?![0-9Xx])")


class LetterError(ValueError):
    """A letter cannot be issued or a template cannot be saved; the message is Chinese and shown as is."""


_engine = Engine(
    debug=True,  # keeps the line of a syntax error for the editor's message
    loaders=[],
    builtins=["doudi.letters.templatetags.letters"],
    autoescape=True,
)


def default_body(kind: str) -> str:
    return (DEFAULTS_DIR / f"{kind}.html").read_text(encoding="utf-8")


def compile_body(body: str):
    """The compiled body; a syntax error becomes a Chinese ``LetterError`` naming the line."""
    try:
        return _engine.from_string(body)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None) or {}
        line = info.get("line")
        during = (info.get("during") or "").strip()
        where = f"第{line}行" if line else ""
        what = f"“{during}”" if during else "某个标签"
        raise LetterError(
            f"模板{where}有语法错误：{what}无法识别或未正确闭合（请检查 {{% %}} 标签是否成对、名称是否正确）"
        ) from None


@lru_cache(maxsize=64)
def _compiled(body: str):
    return compile_body(body)


def contains_full_id(value: Any) -> bool:
    """Does any text, key or number anywhere in ``value`` hold a full identity number?"""
    if isinstance(value, dict):
        return any(contains_full_id(k) or contains_full_id(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(contains_full_id(v) for v in value)
    if isinstance(value, str | int):
        return bool(FULL_ID.search(str(value)))
    return False


@dataclass(frozen=True)
class Remedy:
    review_days: int = REVIEW_DAYS_DEFAULT
    litigation_months: int = LITIGATION_MONTHS_DEFAULT


def remedies_text(remedy: Remedy, county_name: str) -> str:
    gov = f"{county_name}人民政府" if county_name else "本级人民政府"
    return (
        f"如对本决定不服，可以自收到本文书之日起{remedy.review_days}日内向{gov}申请行政复议，"
        f"也可以自收到本文书之日起{remedy.litigation_months}个月内依法向人民法院提起行政诉讼。"
    )


def plain(value: Any) -> Any:
    """The context as JSON data (dates as ISO text): what is stored and what is rendered."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # Decimal and the like: as written


def render_html(kind: str, body: str, context: dict) -> str:
    """The whole letter page: the fixed layout (title, number, addressee, issuer, date, seal,
    remedies) around the rendered body."""
    body_html = _compiled(body).render(Context(context))
    return render_to_string(
        "letters/pdf/layout.html",
        {**context, "body_html": mark_safe(body_html), "show_remedies": KINDS[kind].remedies},  # noqa: S308
    )


def render_pdf(html: str) -> bytes:
    # Letters are self-contained: an edited template must not make the server read local files or call
    # other hosts, so the fetcher allows no protocol at all (stylesheets, images, fonts by URL are refused).
    from weasyprint import HTML  # heavy import, only where a PDF is made
    from weasyprint.urls import URLFetcher

    return HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def issued_on_text(on: dt.date) -> str:
    return zh_date(on)


def sample_full_context(kind: str, title: str = "") -> dict:
    """The kind's sample context with sample standard variables: the editor's preview and check."""
    from doudi.letters.kinds import sample_context

    return plain(
        {
            **sample_context(kind),
            "number": "吉延吉救〔2026〕第000001号",
            "title": title or KINDS[kind].label,
            "kind_label": KINDS[kind].label,
            "issued_on": "2026年12月6日",
            "region_name": "吉林省延边朝鲜族自治州延吉市进学街道",
            "county_name": "延吉市",
            "township_name": "进学街道",
            "issuer": "延吉市民政局" if KINDS[kind].issuer_level == "county" else "进学街道办事处",
            "seal": SEAL,
            "addressee": "张三",
            "remedy_review_days": REVIEW_DAYS_DEFAULT,
            "remedy_litigation_months": LITIGATION_MONTHS_DEFAULT,
            "remedies": remedies_text(Remedy(), "延吉市"),
            "corrects_number": "",
        }
    )


def check_renders(kind: str, body: str) -> None:
    """The body compiles and renders with the sample context; a Chinese ``LetterError`` otherwise."""
    template = compile_body(body)
    try:
        template.render(Context(sample_full_context(kind)))
    except Exception as exc:
        raise LetterError("模板用示例数据渲染失败，请检查变量和过滤器的写法") from exc


def preview_pdf(kind: str, body: str, title: str = "") -> bytes:
    """The body rendered as a PDF with the sample context (nothing is stored)."""
    check_renders(kind, body)
    return render_pdf(render_html(kind, body, sample_full_context(kind, title)))
