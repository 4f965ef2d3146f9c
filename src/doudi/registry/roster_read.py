"""Reading and checking a registry roster file (exchange contract "Registry roster"), no writes.

``open_roster`` turns a CSV (UTF-8, UTF-8 with BOM, GB18030/GBK), XLSX (first sheet) or Parquet file
into a header and a stream of ``(line, values)``; ``RowChecker`` turns each row into a normalised
``RosterRow`` or Chinese row errors. Line numbers are the ones a person sees: the header is line 1.
A file that cannot be read, or lacks a required column, raises ``RosterFileError`` (nothing loads).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from doudi.core import idnumber
from doudi.core.cells import clean_name
from doudi.core.scoping import prefix_of
from doudi.registry.models import Category, Relation

REQUIRED = ("household_key", "person_key", "name", "relation", "region_code", "area_type")
OPTIONAL = ("id_number", "sex", "birth_date", "category", "since")
KNOWN = frozenset(REQUIRED + OPTIONAL)
COLUMN_ZH = {
    "household_key": "户编号",
    "person_key": "人员编号",
    "id_number": "身份证号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "region_code": "区划代码",
    "area_type": "城乡类别",
    "category": "救助类别",
    "since": "类别起始日期",
}
KEY_MAX = 64
FIELD_MAX = 10_000  # characters of any one field; a longer one rejects its row, not the file
CSV_FIELD_LIMIT = 1 << 30  # the csv module's default (128 KiB) would refuse the whole file
ACCEPTED_LEVELS = frozenset({"county", "township", "village"})

RELATIONS = {v: v for v in Relation.values} | {label: value for value, label in Relation.choices}
SEXES = {"M": "M", "F": "F", "m": "M", "f": "F", "男": "M", "女": "F"}
AREAS = {"urban": "urban", "rural": "rural", "城市": "urban", "农村": "rural", "城镇": "urban"}
CATEGORIES = {v: v for v in Category.values} | {label: value for value, label in Category.choices}
CATEGORIES |= {"低保": "DIBAO", "特困": "TEKUN", "低保边缘": "MARGINAL"}
# the other spellings compare case-insensitively (looked up with .lower() / .upper() on a miss)
ABSENT = "\x00"  # stands for an optional column the file does not have (in the row hash)


class RosterFileError(ValueError):
    """The file as a whole is refused (unreadable, wrong format, missing required columns)."""


class RosterRow(NamedTuple):
    line: int
    household_key: str
    person_key: str
    name: str
    id_number: str  # normalised as recorded (idnumber.normalize), "" when empty
    sex: str  # "M"/"F" as recorded, "" when empty or absent
    birth_date: dt.date | None  # as recorded
    relation: str
    region_code: str  # 12 digits
    area_type: str
    category: str | None  # None: empty (or column absent, see RowChecker.has_category)
    since: dt.date | None
    extras: dict | None  # unknown columns, non-empty values as text
    roster_hash: str  # 32 hex chars of the normalised row


@dataclass
class RosterSource:
    file_name: str
    content_hash: str  # sha256 of the file bytes
    format: str  # csv / xlsx / parquet
    encoding: str  # for CSV
    header: list[str]
    rows_hint: int | None  # for the progress bar
    rows: Iterator[tuple[int, list | tuple]]
    close: Callable[[], None] = lambda: None  # releases the file when the rows are not read to the end


# ---------------------------------------------------------------------------------------------- files


def open_roster(path: Path | str, file_name: str | None = None) -> RosterSource:
    path = Path(path)
    if not path.is_file():
        raise RosterFileError(f"文件不存在或无法读取：{path}")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise RosterFileError(f"文件无法读取：{exc.strerror or exc}") from exc
    name = file_name or path.name
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, name)
    if magic == b"PAR1":
        return _open_parquet(path, name)
    return _open_csv(path, name)


def _file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            sha.update(block)
    return sha.hexdigest()


def _scan_text(path: Path) -> tuple[str, str, int]:
    """Hash the bytes, pick the encoding (UTF-8, with or without BOM, else GB18030), count lines."""
    sha = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, lines = True, 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            sha.update(block)
            lines += block.count(b"\n")
            if utf8_ok:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
            return sha.hexdigest(), "utf-8-sig", lines
        except UnicodeDecodeError:
            pass
    if _gb_check(path):
        return sha.hexdigest(), "gb18030", lines
    raise RosterFileError("文件编码无法识别：CSV 文件应为 UTF-8（可带 BOM）或 GB18030/GBK 编码")


def _gb_check(path: Path) -> bool:
    dec = codecs.getincrementaldecoder("gb18030")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 22):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _open_csv(path: Path, name: str) -> RosterSource:
    digest, encoding, lines = _scan_text(path)
    fh = path.open("r", encoding=encoding, newline="")
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))  # a huge field: that row's error
    reader = csv.reader(fh)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        fh.close()
        raise RosterFileError("第 1 行（表头）无法解析（CSV 格式错误，如引号不成对）") from exc
    if not header or not any(h.strip() for h in header):
        fh.close()
        raise RosterFileError("文件为空或第 1 行不是表头")

    def rows() -> Iterator[tuple[int, list]]:
        last = reader.line_num
        try:
            for values in reader:
                start, last = last + 1, reader.line_num
                if values and any(v.strip() for v in values):  # blank and all-empty lines are skipped
                    yield start, values
        except csv.Error as exc:
            raise RosterFileError(f"第 {last + 1} 行无法解析（CSV 格式错误，如引号不成对）") from exc
        finally:
            fh.close()

    return RosterSource(name, digest, "csv", encoding, header, max(lines - 1, 0), rows(), fh.close)


def _open_xlsx(path: Path, name: str) -> RosterSource:
    from doudi.core.tabular import TabularFileError, open_xlsx

    digest = _file_digest(path)
    try:
        sheet = open_xlsx(path)  # bounded by the rows stored, not the sheet's declared size
    except TabularFileError as exc:
        raise RosterFileError(str(exc)) from exc
    header = sheet.header
    if not header or not any(h not in (None, "") for h in header):
        sheet.close()
        raise RosterFileError("工作表为空或第 1 行不是表头")
    width = len(header)

    def rows() -> Iterator[tuple[int, tuple]]:
        try:
            for line, values in sheet.rows:
                values = values[:width]  # cells right of the header are not data
                if values and any(v not in (None, "") for v in values):
                    yield line, values + (None,) * (width - len(values))
        except TabularFileError as exc:
            raise RosterFileError(str(exc)) from exc

    return RosterSource(
        name, digest, "xlsx", "", [_text(h) for h in header], sheet.rows_hint, rows(), sheet.close
    )


def _open_parquet(path: Path, name: str) -> RosterSource:
    import pyarrow.parquet as pq

    digest = _file_digest(path)
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise RosterFileError(f"Parquet 文件无法读取：{exc}") from exc
    header = list(pf.schema_arrow.names)

    def rows() -> Iterator[tuple[int, tuple]]:
        line = 1
        try:
            for batch in pf.iter_batches(batch_size=50_000):
                cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                for values in zip(*cols, strict=True):
                    line += 1
                    yield line, values
        except Exception as exc:
            raise RosterFileError(f"Parquet 文件读取中断：{exc}") from exc

    return RosterSource(name, digest, "parquet", "", header, pf.metadata.num_rows, rows())


# ----------------------------------------------------------------------------------------------- rows


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _date(v: Any) -> dt.date | None:
    """``YYYY-MM-DD`` (also ``YYYYMMDD``, ``YYYY/MM/DD``, a trailing 00:00:00) or an Excel/Parquet date.
    Raises ValueError on anything else."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    text = _text(v)
    if not text:
        return None
    if len(text) > 10 and text[10] in " T" and text[11:].strip("0:. ") == "":
        text = text[:10]
    text = text.replace("/", "-")
    if len(text) not in (8, 10):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


class RowChecker:
    """Checks rows against the header, the region table and (for county uploads) a region scope."""

    def __init__(self, header: list[str], *, regions: dict[str, str], scope_code: str | None, today: dt.date):
        cols = [_text(h).lstrip("\ufeff").strip().lower() for h in header]
        dup = sorted({c for c in cols if c and cols.count(c) > 1})
        if dup:
            raise RosterFileError("表头列名重复：" + "、".join(dup))
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            names = "、".join(f"{c}（{COLUMN_ZH[c]}）" for c in missing)
            raise RosterFileError(f"缺少必需的列：{names}。表头应包含：{', '.join(REQUIRED)}")
        self.width = len(cols)
        self.idx = {c: cols.index(c) for c in KNOWN if c in cols}
        self.extra = [(c or f"column_{i + 1}", i) for i, c in enumerate(cols) if c not in KNOWN]
        self.has = {c: c in self.idx for c in OPTIONAL}
        self.has_category = self.has["category"]
        self.regions = regions
        self.scope_prefix = prefix_of(scope_code) if scope_code else None
        self.today = today
        self.person_lines: dict[str, int] = {}
        self.rows_read = 0
        self._region_cache: dict[str, tuple[str, tuple[str, str, str] | None]] = {}
        # absent optional columns read the empty cell appended to every row
        self._i = {c: self.idx.get(c, self.width) for c in KNOWN}

    def _region(self, raw: str) -> tuple[str, tuple[str, str, str] | None]:
        hit = self._region_cache.get(raw)
        if hit is None:
            region = raw.ljust(12, "0") if raw.isdigit() and len(raw) in (6, 9, 12) else ""
            level = self.regions.get(region) if region else None
            err = None
            if level is None:
                err = ("region_code", "区划代码不存在", raw or "（空）")
            elif level not in ACCEPTED_LEVELS:
                err = ("region_code", "区划代码应为县级或乡镇级代码", raw)
            elif self.scope_prefix is not None and not region.startswith(self.scope_prefix):
                err = ("region_code", "区划代码不在本辖区内", raw)
            hit = self._region_cache[raw] = (region, err)
        return hit

    def _date(self, values, i: int, text: str, col: str, errs: list) -> dt.date | None:
        if not text:
            return None
        try:
            if len(text) == 10 and text[4] == "-" and text[7] == "-":
                return dt.date.fromisoformat(text)
            return _date(values[i] if i < self.width else text)
        except ValueError:
            errs.append((col, "日期格式错误", f"{text}，应为 YYYY-MM-DD"))
            return None

    def check(self, line: int, values) -> tuple[RosterRow | None, list[tuple[str, str, str]]]:
        """Returns the row, or None and its problems as (column, reason label, detail)."""
        self.rows_read += 1
        if len(values) != self.width:
            return None, [("", "字段数与表头不一致", f"该行 {len(values)} 个字段，表头 {self.width} 列")]
        t = [v.strip() if type(v) is str else _text(v) for v in values]
        if any(len(v) > FIELD_MAX for v in t):
            return None, [("", "字段过长", f"单个字段最多 {FIELD_MAX:,} 个字符")]
        t.append("")
        i, has = self._i, self.has
        errs: list[tuple[str, str, str]] = []
        hkey, pkey, name = t[i["household_key"]], t[i["person_key"]], t[i["name"]]
        if not hkey or len(hkey) > KEY_MAX:
            errs.append(("household_key", "户编号为空" if not hkey else "户编号过长", ""))
        if not pkey or len(pkey) > KEY_MAX:
            errs.append(("person_key", "人员编号为空" if not pkey else "人员编号过长", ""))
        if pkey:
            first = self.person_lines.setdefault(pkey, line)
            if first != line:
                errs.append(("person_key", "人员编号重复", f"与第 {first} 行相同"))
        name, bad_name = clean_name(name)  # the same check at every door (core.cells)
        if bad_name:
            errs.append(("name", bad_name, ""))
        elif not name or len(name) > 64:
            errs.append(("name", "姓名为空" if not name else "姓名过长", ""))
        rel_raw = t[i["relation"]]
        relation = RELATIONS.get(rel_raw) or RELATIONS.get(rel_raw.lower())
        if relation is None:
            errs.append(("relation", "与户主关系无效", rel_raw or "（空）"))
        area_raw = t[i["area_type"]]
        area = AREAS.get(area_raw) or AREAS.get(area_raw.lower())
        if area is None:
            errs.append(
                ("area_type", "城乡类别无效", (area_raw or "（空）") + "，应为 urban/rural 或 城市/农村")
            )
        region, region_err = self._region(t[i["region_code"]])
        if region_err:
            errs.append(region_err)

        id_number = t[i["id_number"]]
        if id_number:  # idnumber.normalize, with a shortcut for the common plain case
            plain = id_number.isascii() and id_number.isalnum()
            id_number = id_number.upper() if plain else idnumber.normalize(id_number)
        sex = t[i["sex"]]
        if sex:
            sex = SEXES.get(sex, "")
            if not sex:
                errs.append(("sex", "性别无效", t[i["sex"]] + "，应为 M/F 或 男/女"))
        birth = self._date(values, i["birth_date"], t[i["birth_date"]], "birth_date", errs)
        if birth is not None and (birth > self.today or birth.year < 1880):
            errs.append(("birth_date", "出生日期不合理", birth.isoformat()))
        category: str | None = None
        if cat_raw := t[i["category"]]:
            category = CATEGORIES.get(cat_raw) or CATEGORIES.get(cat_raw.upper())
            if category is None:
                errs.append(("category", "救助类别无效", cat_raw))
        since = self._date(values, i["since"], t[i["since"]], "since", errs)
        if errs:
            return None, errs
        assert relation is not None and area is not None  # no errors: both were recognised

        extras = None
        if self.extra:
            extras = {c: t[j] for c, j in self.extra if t[j]} or None
        parts = [
            hkey,
            pkey,
            name,
            relation,
            region,
            area,
            id_number if has["id_number"] else ABSENT,
            sex if has["sex"] else ABSENT,
            (birth.isoformat() if birth else "") if has["birth_date"] else ABSENT,
            (category or "") if has["category"] else ABSENT,
            (since.isoformat() if since else "") if has["since"] else ABSENT,
            json.dumps(extras, ensure_ascii=False, sort_keys=True) if extras else "",
        ]
        digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
        row = RosterRow(line, hkey, pkey, name, id_number, sex, birth, relation, region, area, category, since,
                        extras, digest)  # fmt: skip
        return row, errs
