"""Run every benchmark script of ``benchmarks/`` with modest sizes and print their figures (``make bench``).

    uv run python benchmarks/run_all.py            # modest sizes (a few minutes)
    uv run python benchmarks/run_all.py --full     # each script's own defaults (the documented sizes)
    uv run python benchmarks/run_all.py --only bench_policy.py

Each ``bench_*.py`` is also runnable alone (see its docstring). Scripts run one after the other, each
in a fresh scratch data directory (``DOUDI_DATA_DIR``; ``bench_search.py`` reuses the one
``bench_roster.py`` loaded) on the embedded SQLite default — ``DATABASE_URL`` is not passed on, since
the scripts need an empty database; run a script alone against a throwaway PostgreSQL database for
those figures. A script not listed in ``PLAN`` runs with its defaults in ``--full`` mode and with
``--quick`` if it accepts it otherwise; the OpenFisca comparison runs when ``uv`` is available.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# script → (modest arguments, data-directory group: scripts of one group share a scratch directory).
# "{data_dir}" in an argument is replaced by the script's scratch data directory.
PLAN: dict[str, tuple[list[str], str]] = {
    "bench_roster.py": (["--persons", "50000"], "registry"),
    "bench_search.py": (["--queries", "100"], "registry"),
    "bench_intake.py": (["--rows", "100000"], "intake"),
    "bench_monitor.py": (["--persons", "50000", "--records", "500000"], "monitor"),
    "bench_linkage.py": (
        [
            "--persons",
            "50000",
            "--records",
            "200000",
            "--peer-records",
            "20000",
            "--workdir",
            "{data_dir}/linkage",
        ],
        "linkage",
    ),
    "bench_inbox.py": (["--warnings", "10000", "--requests", "50"], "inbox"),
    "bench_policy.py": (["--households", "100000", "--api-requests", "300"], "policy"),
}
# commands run once in a script's data directory before it (its documented preparation)
SETUP: dict[str, list[list[str]]] = {
    "bench_inbox.py": [["-m", "doudi", "init"], ["-m", "doudi", "demo", "seed", "--households", "2000"]],
}
PEERS = {"peers/run_openfisca.py": ["--households", "100000"]}


def _scripts(only: list[str]) -> list[str]:
    present = sorted(p.name for p in HERE.glob("bench_*.py"))
    ordered = [name for name in PLAN if name in present] + [n for n in present if n not in PLAN]
    return [n for n in ordered if not only or n in only]


def _accepts_quick(path: Path) -> bool:
    return '"--quick"' in path.read_text("utf-8")


def _run(cmd: list[str], env: dict[str, str], label: str) -> tuple[int, float]:
    print(f"\n=== {label}: {' '.join(cmd[1:] if cmd[0] == sys.executable else cmd)}", flush=True)
    t = time.perf_counter()
    code = subprocess.call(cmd, env=env, cwd=HERE.parent)
    return code, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="each script's own default sizes")
    ap.add_argument("--only", nargs="*", default=[], help="script names to run")
    ap.add_argument("--no-peers", action="store_true", help="skip the OpenFisca comparison")
    args = ap.parse_args()

    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DOUDI_DATA_DIR")}
    scratch = Path(tempfile.mkdtemp(prefix="doudi-bench-"))
    results: list[tuple[str, int, float]] = []
    try:
        for name in _scripts(args.only):
            modest, group = PLAN.get(name, ([], name))
            extra = [] if args.full else modest
            if name not in PLAN and not args.full and _accepts_quick(HERE / name):
                extra = ["--quick"]
            data_dir = scratch / group
            data_dir.mkdir(exist_ok=True)
            env = {**base_env, "DOUDI_DATA_DIR": str(data_dir)}
            extra = [arg.replace("{data_dir}", str(data_dir)) for arg in extra]
            for step in SETUP.get(name, []):
                subprocess.call([sys.executable, *step], env=env, cwd=HERE.parent, stdout=subprocess.DEVNULL)
            code, seconds = _run([sys.executable, str(HERE / name), *extra], env, name)
            results.append((name, code, seconds))
        uv = shutil.which("uv")
        if not args.no_peers and uv and (not args.only or any(p in args.only for p in PEERS)):
            for name, modest in PEERS.items():
                extra = [] if args.full else modest
                env = {**base_env, "DOUDI_DATA_DIR": str(scratch / "peers")}
                cmd = [uv, "run", "--with", "openfisca-core", "python", str(HERE / name), *extra]
                code, seconds = _run(cmd, env, name)
                results.append((name, code, seconds))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n=== summary")
    for name, code, seconds in results:
        status = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"  {name:<28} {seconds:8.1f} s  {status}")
    sys.exit(1 if any(code for _, code, _ in results) else 0)


if __name__ == "__main__":
    main()
