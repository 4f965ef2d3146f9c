"""Synthetic data for the linkage benchmark: registry persons + department records with known truth.

    uv run python benchmarks/linkage_data.py --persons 2000000 --records 20000000 --out /tmp/linkage-data

Writes ``persons.parquet`` (registry snapshot format), ``records.parquet`` (batch store format, blind
indexes computed once per distinct number), ``truth.parquet`` (per record: the true registry person or
null, and the noise drawn) and ``meta.json``. The generator itself is ``tests/support/synthetic.py``
(documented there: 15-digit legacy numbers, one-digit typos, full-width digits, missing numbers,
homophone names, namesakes, twins, persons who moved, people not in the registry). Blind indexes use
the index key of ``DOUDI_DATA_DIR`` (default: ``<out>/data``), so run the linkage with the same one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the generator lives in tests/support (not shipped)


def setup_django(data_dir: Path) -> None:
    os.environ.setdefault("DOUDI_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    import django

    django.setup()


def ensure_data(out: Path, persons: int, records: int, *, seed: int | None = None, log=print) -> Path:
    """Generate the data set into ``out`` unless a complete one with the same parameters is there."""
    from django.conf import settings
    from tests.support import synthetic

    params = synthetic.Params(persons=persons, records=records, **({"seed": seed} if seed else {}))
    meta = out / "meta.json"
    if meta.is_file():
        stored = json.loads(meta.read_text())
        if stored.get("params") == synthetic.asdict(params):
            log(f"reusing {out} ({persons:,} persons, {records:,} records)")
            return out
    for name in ("meta.json", "records.parquet", "truth.parquet", "persons.parquet"):
        (out / name).unlink(missing_ok=True)
    synthetic.generate(out, params, settings.DOUDI_INDEX_KEY, processes=os.cpu_count() or 2, log=log)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2_000_000)
    ap.add_argument("--records", type=int, default=20_000_000)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    setup_django(args.out / "data")
    ensure_data(args.out, args.persons, args.records, seed=args.seed, log=lambda m: print(m, file=sys.stderr))
    print(args.out)


if __name__ == "__main__":
    main()
