"""Deterministic synthetic low-income households for Jilin: demo data, tests and benchmarks.

``generate(n_households, seed=…)`` draws households with seeded numpy Generators, vectorised and in
chunks, so a million persons take seconds. The result holds pyarrow tables:

- ``roster``: exactly the roster columns of the exchange contract (``doudi registry import``);
- ``person_facts`` / ``household_facts``: long format (key, ``kind``, ``value`` as JSON object text,
  ``valid_from``, ``source``) with the registry's fact kinds; ``*_fact_records()`` yield dicts;
- ``truth``: per person the true identity number, the injected noise and the household type;
  ``households``: per household its type, category, size, standard and income.

Categories are consistent with DOMAIN §5 under synthetic monthly standards (``STANDARDS``: 延边
urban 760 / rural 560, elsewhere 700 / 520): a DIBAO household's per-capita income is below its
standard, MARGINAL between 1 and 2 standards, RIGID from 2 standards to the income ceiling with
rigid expenditure above 60 % of income; TEKUN are single elderly, elderly couples or severely
disabled adults without capable supporters. Pure: no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from doudi.devtools import ids
from doudi.devtools import population as pop

DEFAULT_AS_OF = dt.date(2025, 8, 1)
CHUNK_HOUSEHOLDS = 100_000
DEFAULT_NOISE = 0.01
AREA_TYPES = ("urban", "rural")  # index: rural

# (township code, share of households)
DEFAULT_TOWNSHIPS: tuple[tuple[str, float], ...] = (
    ("222401001000", 0.22),  # 延边州 延吉市 进学街道 (urban)
    ("222401002000", 0.14),  # 延边州 延吉市 北山街道 (urban)
    ("222401101000", 0.14),  # 延边州 延吉市 依兰镇 (rural)
    ("220102001000", 0.20),  # 长春市 南关区 南岭街道 (urban)
    ("220122101000", 0.16),  # 长春市 农安县 伏龙泉镇 (rural)
    ("220802100000", 0.14),  # 白城市 洮北区 平安镇 (rural)
)

# Synthetic monthly dibao standards by city prefix ("22" = elsewhere in Jilin); the real ones are
# dated policy parameters (DOMAIN §4).
STANDARDS = {"2224": {"urban": 760, "rural": 560}, "22": {"urban": 700, "rural": 520}}

ROSTER_SCHEMA = pa.schema(
    [
        ("household_key", pa.string()),
        ("person_key", pa.string()),
        ("id_number", pa.string()),
        ("name", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("relation", pa.string()),
        ("region_code", pa.string()),
        ("area_type", pa.string()),
        ("category", pa.string()),
        ("since", pa.date32()),
    ]
)


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    county_code: str
    full_name: str
    area_type: str  # streets (街道) urban, towns and townships rural


@cache
def township_table() -> dict[str, Township]:
    """Townships of the shipped division list (NBS 2022), read without Django."""
    text = resources.files("doudi.regions").joinpath("data/jilin-divisions.csv").read_text("utf-8-sig")
    rows = {r["code"]: r for r in csv.DictReader(text.splitlines())}

    def full(code: str) -> str:
        parts = []
        while code:
            parts.append(rows[code]["name"])
            code = rows[code]["parent_code"]
        return "".join(reversed(parts))

    return {
        code: Township(
            code, r["name"], r["parent_code"], full(code), "urban" if "街道" in r["name"] else "rural"
        )
        for code, r in rows.items()
        if r["level"] == "township"
    }


def standard(region_code: str, area_type: str) -> int:
    """The synthetic monthly dibao standard used for a township."""
    key = "2224" if region_code.startswith("2224") else "22"
    return STANDARDS[key][area_type]


def _townships(codes: Sequence[str] | None) -> pop.Townships:
    table = township_table()
    if codes is None:
        pairs = list(DEFAULT_TOWNSHIPS)
    else:
        pairs = [(str(c), 1.0) for c in codes]
        if not pairs:
            raise ValueError("至少需要一个乡镇（街道）")
    unknown = [c for c, _ in pairs if c not in table]
    if unknown:
        raise ValueError(f"不是吉林省的乡镇（街道）代码：{', '.join(unknown)}")
    towns = [table[c] for c, _ in pairs]
    w = np.array([x for _, x in pairs], dtype=np.float64)
    return pop.Townships(
        codes=np.array([t.code for t in towns]),
        county6=np.array([int(t.code[:6]) for t in towns]),
        rural=np.array([t.area_type == "rural" for t in towns]),
        yanbian=np.array([t.code.startswith("2224") for t in towns]),
        weights=w / w.sum(),
        standard=np.array([standard(t.code, t.area_type) for t in towns]),
    )


@dataclass(frozen=True)
class SynthData:
    roster: pa.Table
    person_facts: pa.Table
    household_facts: pa.Table
    truth: pa.Table
    households: pa.Table
    seed: int
    as_of: dt.date

    @property
    def n_households(self) -> int:
        return self.households.num_rows

    @property
    def n_persons(self) -> int:
        return self.roster.num_rows

    def person_fact_records(self) -> Iterator[dict]:
        """Dicts with ``person_key``, ``kind``, ``value`` (a dict), ``valid_from``, ``source``."""
        return _records(self.person_facts)

    def household_fact_records(self) -> Iterator[dict]:
        return _records(self.household_facts)


def _records(table: pa.Table) -> Iterator[dict]:
    for batch in table.to_batches(max_chunksize=50_000):
        for row in batch.to_pylist():
            row["value"] = json.loads(row["value"])
            yield row


def generate(
    n_households: int,
    *,
    seed: int = 2024,
    townships: list[str] | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    noise: float = DEFAULT_NOISE,
    key_prefix: str = "SYN-",
) -> SynthData:
    """``n_households`` synthetic households as of ``as_of``; the same arguments give the same data.

    ``townships``: 12-digit township codes to spread households over evenly (default: the demo
    townships, ``DEFAULT_TOWNSHIPS``). ``noise``: share of identity numbers recorded wrongly (wrong check
    character, legacy 15-digit, missing; plus lower-case ``x``). ``key_prefix`` starts every
    household and person key."""
    if n_households < 0:
        raise ValueError("户数不能为负数")
    if not 0 <= noise <= 1:
        raise ValueError("噪声比例应在 0 到 1 之间")
    tw = _townships(townships)
    as_of64 = np.datetime64(as_of, "D")
    hh_parts, ps_parts, offset = [], [], 0
    for chunk, start in enumerate(range(0, n_households, CHUNK_HOUSEHOLDS)):
        n = min(CHUNK_HOUSEHOLDS, n_households - start)
        hh, ps = pop.draw_chunk(np.random.default_rng([seed, chunk]), n, tw, as_of64)
        ps["hh"] = ps["hh"] + offset
        offset += n
        hh_parts.append(hh)
        ps_parts.append(ps)
    if not hh_parts:
        hh, ps = pop.draw_chunk(np.random.default_rng([seed, 0]), 0, tw, as_of64)
        hh_parts, ps_parts = [hh], [ps]
    hh = {k: np.concatenate([p[k] for p in hh_parts]) for k in hh_parts[0]}
    ps = {k: np.concatenate([p[k] for p in ps_parts]) for k in ps_parts[0]}
    return _tables(hh, ps, tw, np.random.default_rng([seed, 1_000_003]), noise, key_prefix, seed, as_of)


def _keys(prefix: str, n: int, width: int) -> pa.Array:
    numbers = pa.array(np.arange(1, n + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width=width, padding="0"), "")


def _text(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.string()) if values.size else pa.array([], type=pa.string())


def _json(**fields) -> pa.Array:
    """JSON object text from columns already rendered as JSON literals (arrays or scalar strings)."""
    parts: list = []
    for i, (key, literal) in enumerate(fields.items()):
        parts.append(("{" if i == 0 else ", ") + f'"{key}": ')
        parts.append(literal)
    parts.append("}")
    return pc.binary_join_element_wise(*parts, "")


def _pick(labels: Sequence[str], index: np.ndarray) -> pa.Array:
    """``labels[index]`` as a string column (a take, much faster than converting numpy strings)."""
    return pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))


def _num(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())


def _bool(values: np.ndarray) -> pa.Array:
    return _pick(("false", "true"), values)


def _quoted(labels: Sequence[str], index: np.ndarray) -> pa.Array:
    return _pick([json.dumps(label) for label in labels], index)


def _fact_table(key_name: str, keys: pa.Array, valid_from: np.ndarray, specs) -> pa.Table:
    """Long-format facts from (kind, row mask, value builder, source) specs."""
    tables = []
    for kind, mask, build, source in specs:
        idx = np.nonzero(mask)[0]
        n = idx.size
        tables.append(
            pa.table(
                {
                    key_name: keys.take(pa.array(idx)),
                    "kind": pa.repeat(pa.scalar(kind, pa.string()), n),
                    "value": build(idx) if n else pa.array([], type=pa.string()),
                    "valid_from": pa.array(valid_from[idx]),
                    "source": pa.repeat(pa.scalar(source, pa.string()), n),
                }
            )
        )
    return pa.concat_tables(tables)


def _tables(hh, ps, tw, rng, noise, prefix, seed, as_of) -> SynthData:
    h = ps["hh"]
    n_h, n_p = hh["type"].size, h.size
    household_key = _keys(f"{prefix}H", n_h, 8)
    person_key = _keys(f"{prefix}P", n_p, 9)
    town = hh["township"][h]
    county6 = tw.county6[town]
    male = ps["male"]
    matrix = ids.id_matrix(county6, ps["birth"], ids.sequences(county6, ps["birth"], male))
    year = ids.ymd(ps["birth"])[0]
    recorded, noise_kind = ids.add_noise(rng, matrix, year, noise)
    hh_key_p = household_key.take(pa.array(h))
    roster = pa.table(
        {
            "household_key": hh_key_p,
            "person_key": person_key,
            "id_number": pa.array(recorded, type=pa.binary()).cast(pa.string()),
            "name": _text(ps["name"]),
            "sex": _pick(("F", "M"), male),
            "birth_date": pa.array(ps["birth"]),
            "relation": _pick(pop.RELATION_CODES, ps["relation"]),
            "region_code": _pick(tw.codes.tolist(), town),
            "area_type": _pick(AREA_TYPES, hh["rural"][h]),
            "category": _pick(pop.CATEGORY_CODES, hh["category"][h]),
            "since": pa.array(ps["since"]),
        },
        schema=ROSTER_SCHEMA,
    )
    truth = pa.table(
        {
            "person_key": person_key,
            "household_key": hh_key_p,
            "id_true": pa.array(ids.as_strings(matrix), type=pa.binary()).cast(pa.string()),
            "id_noise": _pick(ids.NOISE_NAMES, noise_kind),
            "age": pa.array(ps["age"]),
            "severe_disability": pa.array(ps["severe"]),
            "household_type": _pick(pop.TYPE_NAMES, hh["type"][h]),
        }
    )
    households = pa.table(
        {
            "household_key": household_key,
            "region_code": _pick(tw.codes.tolist(), hh["township"]),
            "area_type": _pick(AREA_TYPES, hh["rural"]),
            "household_type": _pick(pop.TYPE_NAMES, hh["type"]),
            "category": _pick(pop.CATEGORY_CODES, hh["category"]),
            "size": pa.array(hh["size"]),
            "standard": pa.array(hh["standard"]),
            "income_total": pa.array(hh["income"]),
            "since": pa.array(hh["since"]),
        }
    )
    return SynthData(
        roster=roster,
        person_facts=_person_facts(ps, person_key),
        household_facts=_household_facts(hh, household_key),
        truth=truth,
        households=households,
        seed=seed,
        as_of=as_of,
    )


def _person_facts(ps: dict, keys: pa.Array) -> pa.Table:
    specs = [
        (
            "disability",
            ps["dis"],
            lambda i: _json(
                kind=_quoted(pop.DISABILITY_KINDS, ps["dis_kind"][i]), grade=_num(ps["dis_grade"][i])
            ),
            "department",
        ),
        (
            "serious_illness",
            ps["ill"],
            lambda i: _json(flag="true", diagnosis_code=_quoted(pop.DIAGNOSES, ps["diagnosis"][i])),
            "department",
        ),
        (
            "employment",
            ps["working_age"],
            lambda i: _json(employed=_bool(ps["employed"][i])),
            "self_declared",
        ),
        (
            "schooling",
            ps["school_age"],
            lambda i: _json(
                in_school=_bool(ps["in_school"][i]),
                stage=pc.if_else(
                    pa.array(ps["in_school"][i]), _quoted(pop.STAGES, ps["stage"][i]), pa.scalar("null")
                ),
            ),
            "department",
        ),
        (
            "labour_capacity",
            ps["age"] >= 16,
            lambda i: _json(level=_quoted(pop.LABOUR_LEVELS, ps["labour"][i])),
            "home_visit",
        ),
        ("adl", ps["adl_recorded"], lambda i: _json(failed=_num(ps["adl"][i])), "home_visit"),
        (
            "own_income",
            ps["own_recorded"],
            lambda i: _json(monthly=_num(ps["own_income"][i])),
            "self_declared",
        ),
        (
            "own_assets",
            ps["own_recorded"],
            lambda i: _json(ok=_bool(ps["own_assets_ok"][i])),
            "self_declared",
        ),
        (
            "supporter",
            ps["supporter_recorded"],
            lambda i: _json(has_capable_supporter=_bool(ps["has_supporter"][i])),
            "home_visit",
        ),
    ]
    return _fact_table("person_key", keys, ps["since"], specs)


def _household_facts(hh: dict, keys: pa.Array) -> pa.Table:
    every = np.ones(hh["type"].size, dtype=bool)
    zero = np.zeros(hh["type"].size, dtype=np.int64)
    specs = [
        ("income", every, lambda i: _json(total=_num(hh["income"][i]), months="12"), "self_declared"),
        (
            "assets",
            every,
            lambda i: _json(
                financial=_num(hh["financial"][i]),
                vehicles=_num(zero[i]),
                dwellings=_num(hh["dwellings"][i]),
                business="false",
                nonresidential_property="false",
            ),
            "department",
        ),
        (
            "rigid_expenditure",
            every,
            lambda i: _json(
                medical=_num(hh["medical"][i]),
                education=_num(hh["education"][i]),
                housing=_num(hh["housing"][i]),
                care=_num(hh["care"][i]),
            ),
            "self_declared",
        ),
    ]
    return _fact_table("household_key", keys, hh["since"], specs)


def write_roster(data: SynthData | pa.Table, path: str | Path, *, chunk_rows: int = 200_000) -> Path:
    """Write the roster as CSV (UTF-8, header) or Parquet, chosen by the file suffix, in chunks."""
    table = data.roster if isinstance(data, SynthData) else data
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        with pq.ParquetWriter(path, table.schema) as writer:
            for batch in table.to_batches(max_chunksize=chunk_rows):
                writer.write_batch(batch)
    elif suffix == ".csv":
        options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
        with pacsv.CSVWriter(path, table.schema, write_options=options) as writer:
            for batch in table.to_batches(max_chunksize=chunk_rows):
                writer.write_batch(batch)
    else:
        raise ValueError("名册文件的扩展名应为 .csv 或 .parquet")
    return path
