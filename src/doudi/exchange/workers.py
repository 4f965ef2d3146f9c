"""Worker processes for the per-value work of the intake: blind indexes (HMAC) and pinyin.

Both run once per DISTINCT value in Python, the rest of the intake is set-based; on a large batch
they are split over one worker process per core while the main process goes on validating, then
collected. ``Pool.submit(task, array)`` returns at once; ``Pool.result(job)`` waits. Small arrays
are computed in the calling process.

Workers are plain subprocesses (``python -c "…serve()"``) exchanging pickled Arrow arrays over
stdin/stdout, not ``multiprocessing``: that would re-import the caller's main script in every worker
(breaking scripts without a ``__main__`` guard) or fork a process that has DuckDB and Arrow threads
running. A worker imports no Django and ends when its stdin closes. The HMAC key goes over the pipe,
never on the command line or in the environment. Per worker, a writer thread sends the jobs in order
and a reader thread collects the results as they come, so neither side ever blocks the other. If a
worker fails, its part is computed in the calling process.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field

import pyarrow as pa

POOL_MIN = 50_000  # values: below this, computing inline costs less than handing them over
_WORKER = "from doudi.exchange.workers import serve; serve()"
_PROTOCOL = pickle.HIGHEST_PROTOCOL

log = logging.getLogger(__name__)


def run_task(task: str, values: pa.Array, key: bytes) -> pa.Array:
    if task == "index":
        from doudi.exchange.blind import index_array

        return index_array(values, key)
    if task == "pinyin":
        from doudi.exchange.pinyin import pinyin_array

        return pinyin_array(values)
    raise ValueError(f"unknown task {task}")


def serve() -> None:  # pragma: no cover - runs in the worker process (the tests drive it through Pool)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    key = pickle.load(inp)
    while True:
        try:
            task, values = pickle.load(inp)
        except EOFError:
            return
        try:
            result = run_task(task, values, key)
        except Exception as exc:  # reported, and the caller computes this part itself
            result = RuntimeError(f"{type(exc).__name__}: {exc}")
        pickle.dump(result, out, protocol=_PROTOCOL)
        out.flush()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_FAILED = object()


class _Worker:
    def __init__(self, key: bytes):
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", _WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.inbox: queue.Queue = queue.Queue()
        self.pending: collections.deque[int] = collections.deque()
        self.results: dict[int, object] = {}
        self.dead = False  # the worker's output ended: what is sent from now on fails at once
        self.cond = threading.Condition()
        self.inbox.put(key)
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.writer.start()
        self.reader.start()

    def send(self, job_id: int, task: str, values: pa.Array) -> None:
        with self.cond:
            if self.dead:  # the reader is gone and would never answer this job
                self.results[job_id] = _FAILED
                return
            self.pending.append(job_id)
        self.inbox.put((task, values))

    def _write(self) -> None:
        stdin = self.proc.stdin
        assert stdin is not None  # Popen(stdin=PIPE)
        with contextlib.suppress(OSError):
            while (item := self.inbox.get()) is not None:
                pickle.dump(item, stdin, protocol=_PROTOCOL)
                stdin.flush()
        with contextlib.suppress(OSError):
            stdin.close()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None  # Popen(stdout=PIPE)
        while True:
            try:
                result = pickle.load(stdout)
            except Exception:  # EOF or a broken pipe: every job still pending has failed
                with self.cond:
                    self.dead = True
                    while self.pending:
                        self.results[self.pending.popleft()] = _FAILED
                    self.cond.notify_all()
                return
            with self.cond:
                self.results[self.pending.popleft()] = result
                self.cond.notify_all()

    def get(self, job_id: int):
        with self.cond:
            self.cond.wait_for(lambda: job_id in self.results)
            return self.results.pop(job_id)

    def close(self) -> None:
        self.inbox.put(None)
        self.writer.join(timeout=30)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()


@dataclass
class Job:
    task: str
    values: pa.Array
    done: pa.Array | None = None
    parts: list[tuple[_Worker, int, pa.Array]] = field(default_factory=list)


class Pool:
    """Worker processes (one per core by default; 0 or 1 means: compute inline)."""

    def __init__(self, key: bytes, *, workers: int | None = None):
        self.key = key
        self.workers = cpu_count() if workers is None else workers
        self._procs: list[_Worker] = []
        self._ids = itertools.count()

    def start(self) -> None:
        """Start the workers now (they take a moment to import), e.g. before reading a big file."""
        if self.workers >= 2 and not self._procs:
            self._procs = [_Worker(self.key) for _ in range(self.workers)]

    def submit(self, task: str, values: pa.Array) -> Job:
        """Start ``task`` ("index" or "pinyin") on ``values`` (an Arrow string array without nulls)."""
        job = Job(task, values)
        if self.workers < 2 or len(values) < POOL_MIN:
            job.done = run_task(task, values, self.key)
            return job
        try:
            self.start()
        except OSError:
            log.warning("intake workers could not start; computing in the main process", exc_info=True)
            self.workers = 0
            job.done = run_task(task, values, self.key)
            return job
        share = -(-len(values) // len(self._procs))
        for i, worker in enumerate(self._procs):
            part = values.slice(i * share, share)
            job_id = next(self._ids)
            worker.send(job_id, task, part)
            job.parts.append((worker, job_id, part))
        return job

    def result(self, job: Job) -> pa.Array:
        """The results, in the order of the submitted values."""
        if job.done is None:
            out = []
            for worker, job_id, part in job.parts:
                got = worker.get(job_id)
                if got is _FAILED or isinstance(got, Exception):
                    log.warning("an intake worker failed (%s); computing its part here", got)
                    got = run_task(job.task, part, self.key)
                out.append(got)
            job.done = pa.concat_arrays(out) if out else pa.array([], pa.string())
            job.parts = []
        return job.done

    def close(self) -> None:
        for worker in self._procs:
            worker.close()
        self._procs = []

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
