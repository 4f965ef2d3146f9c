"""Routing of department records to a region of the Jilin division tree before anything
region-dependent runs (DOMAIN R-M10: one bad record is reported, never fatal to a batch; R-M16).

Department data names a person's region badly more often than not: the ``region_code`` is empty,
malformed, or a code of another province; the identity number's first six digits name a county of
another province (a person registered elsewhere) or a county code that no longer exists (e.g. 220381,
公主岭 before it moved to 长春 as 220184). Each record gets the best region available, in order:

1. ``record`` — the record's own ``region_code`` (12, 9 or 6 digits) when it names a township of the
   tree, else when its county is in the tree;
2. ``id`` — the county of the identity number (the masked number keeps its first six digits), when
   that county is in the tree;
3. ``provider`` — the region of the providing department (the batch's region) when it is a county,
   township or village of the tree (a province-level upload names no place);
4. none — unroutable: the record is listed for the province officer (``UnroutableRecord``) instead of
   being dropped or stopping the scan.

``route_table(con, name)`` adds ``r`` (the 12-digit routed code, or NULL) and ``route`` to a DuckDB
table of records with ``batch_id``, ``region_code``, ``county_code`` and ``id_masked``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from doudi.core import store

PROVINCE = "220000000000"
ROUTES = ("record", "id", "provider")
ROUTE_LABELS = {
    "record": "按记录的区划代码",
    "id": "按身份证号所属县（市、区）",
    "provider": "按报送单位所在区划",
}


def load_tree(con) -> None:
    """``jl_region(code, level)``: the counties and townships of the division tree (one query)."""
    from doudi.regions.models import Region

    rows = list(Region.objects.filter(level__in=("county", "township")).values_list("code", "level"))
    con.register(
        "src_jl_region",
        pa.table(
            {
                "code": pa.array([r[0] for r in rows], pa.string()),
                "level": pa.array([r[1] for r in rows], pa.string()),
            }
        ),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE jl_region AS SELECT * FROM src_jl_region")
    con.unregister("src_jl_region")


def _provider_regions(batch_ids: Iterable[int]) -> dict[int, str]:
    """Batch id → the uploading department's region (from the store's batch catalog)."""
    return {b: info.region_code for b, info in store.batch_infos(batch_ids).items()}


def load_providers(con, batch_ids: Iterable[int]) -> None:
    """``batch_region(batch_id, region)``: the batch's region brought to a township or county of the
    tree (a village → its township); batches uploaded at city or province level have none."""
    regions = _provider_regions(batch_ids)
    con.register(
        "src_batch_region",
        pa.table(
            {
                "batch_id": pa.array(list(regions), pa.int64()),
                "raw": pa.array([str(v or "") for v in regions.values()], pa.string()),
            }
        ),
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE batch_region AS
           SELECT b.batch_id, coalesce(t.code, c.code) AS region
           FROM src_batch_region b
           LEFT JOIN jl_region t ON t.code = left(b.raw, 9) || '000' AND t.level = 'township'
           LEFT JOIN jl_region c ON c.code = left(b.raw, 6) || '000000' AND c.level = 'county'
           WHERE regexp_full_match(b.raw, '[0-9]{12}') AND coalesce(t.code, c.code) IS NOT NULL"""
    )
    con.unregister("src_batch_region")


RECORD_REGION = """CASE WHEN regexp_full_match(u.region_code, '[0-9]{12}') THEN u.region_code
     WHEN regexp_full_match(u.region_code, '[0-9]{9}') THEN u.region_code || '000'
     WHEN regexp_full_match(u.region_code, '[0-9]{6}') THEN u.region_code || '000000' END"""
# the masked number keeps the county; batches stored before it was kept have ``county_code`` (the
# region's county, else the number's) — the number's only when no region was given
ID_COUNTY = """CASE WHEN regexp_matches(coalesce(u.id_masked, ''), '^[0-9]{6}') THEN left(u.id_masked, 6)
     WHEN u.region_code IS NULL AND regexp_full_match(coalesce(u.county_code, ''), '[0-9]{6}') THEN u.county_code END"""


def route_table(con, name: str) -> None:
    """Replace table ``name`` by itself with ``r`` (routed region) and ``route`` (how) added."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}__routed AS
            SELECT u.*, coalesce(t.code, c.code, k.code, p.region) AS r,
                   CASE WHEN coalesce(t.code, c.code) IS NOT NULL THEN 'record'
                        WHEN k.code IS NOT NULL THEN 'id'
                        WHEN p.region IS NOT NULL THEN 'provider' END AS route,
                   ({ID_COUNTY}) AS id_county
            FROM {name} u
            LEFT JOIN jl_region t ON t.code = left(({RECORD_REGION}), 9) || '000' AND t.level = 'township'
            LEFT JOIN jl_region c ON c.code = left(({RECORD_REGION}), 6) || '000000' AND c.level = 'county'
            LEFT JOIN jl_region k ON k.code = ({ID_COUNTY}) || '000000' AND k.level = 'county'
            LEFT JOIN batch_region p ON p.batch_id = u.batch_id"""
    )
    con.execute(f"DROP TABLE {name}")
    con.execute(f"ALTER TABLE {name}__routed RENAME TO {name}")


def unroutable_reason(given_region: str | None, id_county: str | None) -> str:
    """Why a record could not be routed (Chinese, for the province officer)."""
    region = "未填写区划代码" if not given_region else "区划代码不是本省现行区划"
    if not id_county:
        number = "身份证号缺失或无法识别所属县"
    elif not id_county.startswith("22"):
        number = "身份证号所属地在外省"
    else:
        number = "身份证号所属县（市、区）代码已撤销或不在现行区划内"
    return f"{region}；{number}；报送单位为市级或省级，无法按报送单位分派"
