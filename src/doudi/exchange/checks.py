"""Row validation as SQL, generated from a dataset declaration (``doudi.datasets``).

For each declared column the generator writes a typed value (``v_<key>``: NULL when the text does not
parse) and one CASE expression giving the FIRST problem of that cell as a struct
``{c: column, r: reason, d: detail, v: value}`` or NULL. DuckDB evaluates them set-based over the
whole file; a row is good when its list of problems is empty. Reasons are short Chinese labels that
name the column ("死亡日期不是有效日期") so they can be counted; ``d`` adds the particulars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from doudi.core import idnumber
from doudi.core.cells import BREAKS_SQL, CONTROL_SQL, INVISIBLE_SQL, NAME_CONTROL_REASON
from doudi.core.idnumber import LEGACY_LENGTH
from doudi.datasets import SEX_ALIASES, TEXT_MAX, Column, Dataset

VALUE_KEEP = 200  # characters of a rejected value kept in the error report
DATE_MIN, DATE_MAX = dt.date(1880, 1, 1), dt.date(2100, 12, 31)
TRUE_WORDS = ("true", "t", "1", "yes", "y", "是")
FALSE_WORDS = ("false", "f", "0", "no", "n", "否")
ID_RUN = f"[0-9]{{{LEGACY_LENGTH}}}"  # a text containing this may hold an identity number


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def mask_runs(expr: str) -> str:
    """SQL: ``expr`` with digit runs that could be identity numbers masked like ``idnumber.mask``."""
    inner = (
        f"regexp_replace(regexp_replace({expr}, '([0-9]{{6}})[0-9]{{8}}([0-9]{{3}}[0-9Xx])', "
        f"'\\1********\\2', 'g'), '([0-9]{{6}})[0-9]{{5}}([0-9]{{4}})', '\\1*****\\2', 'g')"
    )
    return f"(CASE WHEN regexp_matches({expr}, '{ID_RUN}') THEN {inner} ELSE {expr} END)"


def mask_id(expr: str) -> str:
    """SQL: an identity number as recorded, masked (region and last four kept; ``idnumber.mask_sql``)."""
    return idnumber.mask_sql(expr)


def _enum_map(c: Column) -> dict[str, str]:
    choices: Mapping[str, str] = c.choices or {}
    words = {k.lower(): k for k in choices} | {label.lower(): k for k, label in choices.items()}
    if c.key == "sex":
        words |= SEX_ALIASES | {"男性": "M", "女性": "F"}
    return words


def choices_hint(c: Column) -> str:
    return "、".join(f"{k}（{label}）" for k, label in (c.choices or {}).items())


def date_sql(t: str) -> str:
    """``YYYY-MM-DD`` (also ``YYYY/MM/DD``, ``YYYYMMDD`` and a midnight time after the date); the
    cast refuses impossible dates such as 2023-02-29."""
    iso = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]00:00(:00(\.0+)?)?)?"
    return (
        f"(CASE WHEN regexp_full_match({t}, '{iso}') THEN TRY_CAST(left({t}, 10) AS DATE) "
        f"WHEN regexp_full_match({t}, '[0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}') THEN TRY_CAST(replace({t}, '/', '-') AS DATE) "
        f"WHEN regexp_full_match({t}, '[0-9]{{8}}') "
        f"THEN TRY_CAST(substr({t}, 1, 4) || '-' || substr({t}, 5, 2) || '-' || substr({t}, 7, 2) AS DATE) END)"
    )


def value_sql(c: Column, t: str) -> str:
    """The typed value of a trimmed text ``t`` (NULL if empty or not parsable)."""
    if c.type == "int":
        return (
            f"(CASE WHEN regexp_full_match({t}, '[+-]?[0-9]{{1,18}}(\\.0+)?') "
            f"THEN CAST(regexp_extract({t}, '^[+-]?[0-9]+') AS BIGINT) END)"
        )
    if c.type == "decimal":
        shape = r"[+-]?([0-9]{1,15}(\.[0-9]*)?|\.[0-9]+)"
        return (
            f"(CASE WHEN regexp_full_match({t}, '{shape}') THEN TRY_CAST({t} AS DECIMAL(18, {c.scale})) END)"
        )
    if c.type == "date":
        return date_sql(t)
    if c.type == "bool":
        yes = ", ".join(lit(w) for w in TRUE_WORDS)
        no = ", ".join(lit(w) for w in FALSE_WORDS)
        return f"(CASE WHEN lower({t}) IN ({yes}) THEN true WHEN lower({t}) IN ({no}) THEN false END)"
    if c.type == "enum":
        whens = " ".join(f"WHEN {lit(w)} THEN {lit(v)}" for w, v in _enum_map(c).items())
        return f"(CASE lower({t}) {whens} END)"
    if c.type == "month":
        return f"(CASE WHEN regexp_full_match({t}, '[0-9]{{4}}-(0[1-9]|1[0-2])') THEN {t} END)"
    return t


def _type_reason(c: Column) -> tuple[str, str]:
    """(reason, detail) for a value that does not parse."""
    return {
        "int": (f"{c.label}应为整数", ""),
        "decimal": (f"{c.label}应为数字", ""),
        "date": (f"{c.label}不是有效日期", "应为 YYYY-MM-DD"),
        "bool": (f"{c.label}应为 是/否", "可填 是/否、true/false、1/0"),
        "enum": (f"{c.label}取值无效", "可选：" + (choices_hint(c) if c.choices else "")),
        "month": (f"{c.label}格式错误", "应为 YYYY-MM"),
    }[c.type]


Branch = tuple[str, str, str]  # (SQL condition, reason, SQL detail expression)


def branches(c: Column, ds: Dataset, today: dt.date) -> list[Branch]:
    """The checks of one declared column, in order: the first that holds is the cell's problem."""
    t, v = c.key, f"v_{c.key}"
    none = "NULL::VARCHAR"
    out: list[Branch] = [
        (
            f"length({t}) > {c.max_length}",
            f"{c.label}过长",
            f"'共 ' || length({t}) || ' 个字符，最多 {c.max_length} 个'",
        )
    ]
    if c.required:
        out.append((f"{t} IS NULL", f"{c.label}为空", none))
    if c.key == "name":  # control characters refused (core.cells.clean_name); invisible ones removed
        out.append((f"regexp_matches({t}, {lit(CONTROL_SQL)})", NAME_CONTROL_REASON, none))
    if c.type != "str":
        reason, detail = _type_reason(c)
        out.append((f"{t} IS NOT NULL AND {v} IS NULL", reason, lit(detail) if detail else none))
    if c.type in ("int", "decimal"):
        lo, hi = c.minimum, c.maximum
        if lo is not None and hi is not None:
            out.append((f"{v} < {lo} OR {v} > {hi}", f"{c.label}应在 {lo}–{hi} 之间", none))
        elif lo is not None:
            reason = f"{c.label}不能为负数" if lo == 0 else f"{c.label}不能小于 {lo}"
            out.append((f"{v} < {lo}", reason, none))
        elif hi is not None:
            out.append((f"{v} > {hi}", f"{c.label}不能大于 {hi}", none))
    if c.type == "date":
        span = lit(f"应在 {DATE_MIN.year}–{DATE_MAX.year} 年之间")
        out.append((f"{v} < DATE '{DATE_MIN}' OR {v} > DATE '{DATE_MAX}'", f"{c.label}超出合理范围", span))
        if c.not_future:
            out.append((f"{v} > DATE '{today}'", f"{c.label}晚于今天", none))
    for other, op, word in ((c.not_before, "<", "早于"), (c.not_above, ">", "大于")):
        if other:
            o = ds.column(other)
            detail = f"'{o.label}为 ' || CAST(v_{other} AS VARCHAR)"
            out.append((f"{v} {op} v_{other}", f"{c.label}{word}{o.label}", detail))
    return out


def extra_branches(name: str, label: str) -> list[Branch]:
    return [
        (
            f"length({name}) > {TEXT_MAX}",
            f"{label}过长",
            f"'共 ' || length({name}) || ' 个字符，最多 {TEXT_MAX} 个'",
        )
    ]


def _visible(key: str) -> str:
    """A name without zero-width and bidi-control characters, line breaks as one space
    (``core.cells.clean_name``)."""
    if key != "name":
        return key
    visible = f"regexp_replace(name, {lit(INVISIBLE_SQL)}, '', 'g')"
    return f"trim(regexp_replace({visible}, {lit(BREAKS_SQL)}, ' ', 'g'))"


def reason_case(bs: list[Branch]) -> str:
    return "CASE " + " ".join(f"WHEN {cond} THEN {lit(reason)}" for cond, reason, _ in bs) + " END"


def detail_case(bs: list[Branch]) -> str:
    return "CASE " + " ".join(f"WHEN {cond} THEN {detail}" for cond, _, detail in bs) + " END"


def validation_sql(ds: Dataset, present: set[str], extras: list[tuple[str, str]], today: dt.date) -> str:
    """SELECT over ``src`` (text columns named by key, trimmed; extras ``x0``…; ``line``): the texts,
    typed values ``v_<key>``, each cell's problem ``e_<name>`` (a reason or NULL) and ``bad``."""
    cols = ds.all_columns
    texts = [
        f"NULLIF({_visible(c.key)}, '') AS {c.key}" if c.key in present else f"NULL::VARCHAR AS {c.key}"
        for c in cols
    ]
    texts += [f"NULLIF({name}, '') AS {name}" for name, _ in extras]
    typed = [f"{value_sql(c, c.key)} AS v_{c.key}" for c in cols if c.type != "str"]
    problems = [f"{reason_case(branches(c, ds, today))} AS e_{c.key}" for c in cols]
    problems += [f"{reason_case(extra_branches(name, label))} AS e_{name}" for name, label in extras]
    names = [c.key for c in cols] + [name for name, _ in extras]
    bad = " OR ".join(f"e_{n} IS NOT NULL" for n in names)
    return f"""
    SELECT *, ({bad}) AS bad FROM (
        SELECT *, {", ".join(problems)}
        FROM (SELECT *{"".join(", " + t for t in typed)} FROM (SELECT line, {", ".join(texts)} FROM src)))
    """


def errors_sql(ds: Dataset, extras: list[tuple[str, str]], today: dt.date) -> str:
    """One row per problem of the validated rows in ``v``: line, column, value (masked), reason,
    detail, and ``k`` (the column's place, to list a row's problems in column order)."""
    parts = []
    items = [(c.key, c.key, branches(c, ds, today)) for c in ds.all_columns]
    items += [(name, label, extra_branches(name, label)) for name, label in extras]
    for k, (name, column, bs) in enumerate(items, start=1):
        value = f"left({name}, {VALUE_KEEP})"
        value = mask_id(value) if name == "id_number" else mask_runs(value)
        parts.append(
            f'SELECT line, {lit(column)} AS "column", {value} AS value, e_{name} AS reason, '
            f"{detail_case(bs)} AS detail, {k} AS k FROM v WHERE e_{name} IS NOT NULL"
        )
    return " UNION ALL ".join(parts)
