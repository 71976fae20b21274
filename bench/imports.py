"""Ledger import benchmark: a generated CSV ledger imported into a fresh room.

    python bench/imports.py [--room small|large|stress]

    small    2 MB  (~12,600 rows)
    large    5 MB  (~31,500 rows; the issue's 153 s file)
    stress  50 MB (~315,000 rows; the issue's file that had not finished in 9.5 minutes)

Prints rows_per_s, import_s, peak_rss_mb (the whole process, so it includes Python and Qt-free
imports), the longest chunk (how long the write lock was held at most) and `import_ratio`: the
same import through the same code on a plain (unencrypted) SQLite twin.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import ledger_import  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room  # noqa: E402
from app.session import open_session  # noqa: E402
from bench.registry import PlainSession  # noqa: E402
from bench.rooms import NOW, plain_database  # noqa: E402
from db.migrate import migrations  # noqa: E402

SIZES_MB = {"small": 2, "large": 5, "stress": 50}
HEADERS = ["序号", "收文日期", "来文单位", "文号", "标题", "密级", "份数", "份号", "页数", "备注"]
ISSUERS = ["市委办公室", "市政府办公室", "省委办公厅", "区发展改革局", "国务院办公厅", "区财政局"]
TOPICS = ["安全生产", "防汛抗旱", "保密工作", "经济运行", "干部培训", "疫情防控", "财政预算"]


def write_ledger(path: Path, megabytes: int) -> int:
    """A CSV about `megabytes` big; every row valid and new. Returns the row count."""
    limit = megabytes * 1_000_000
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        while fh.tell() < limit:
            i = rows
            issuer = ISSUERS[i % len(ISSUERS)]
            out.writerow(
                [
                    i + 1,
                    f"{2016 + i % 10}-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                    issuer,
                    f"{issuer[:2]}发〔{2016 + i % 10}〕{i // 60 + 1}号",
                    f"关于做好{TOPICS[i % len(TOPICS)]}工作的通知（第{i}号）",
                    ("秘密★10年", "机密", "秘密", "非密")[i % 4],
                    "1",
                    f"{i % 60 + 1:06d}",
                    str(i % 30 + 1),
                    "原件",
                ]
            )
            rows += 1
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Chunks:
    """The progress callback: notes the longest time between two committed chunks."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.points: list[tuple[float, int]] = [(self.last, 0)]

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.points.append((now, done))

    def rate(self, part: slice) -> float:
        """Rows a second over a stretch of the import (the first or last tenth): flat when a
        row costs the same in a full room as in an empty one."""
        points = self.points[part]
        (t0, d0), (t1, d1) = points[0], points[-1]
        return (d1 - d0) / max(t1 - t0, 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=tuple(SIZES_MB), default="small")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain-SQLite twin")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        rows = write_ledger(ledger, SIZES_MB[args.room])
        print(f"ledger_mb: {ledger.stat().st_size / 1e6:.1f} MB")
        print(f"ledger_rows: {rows} rows")
        clock = FixedClock(NOW)
        room = create_demo_room(Path(tmp) / "import.mjdb", clock, content=False)
        session = open_session(room.db, "jiyao", DEMO_PASSWORD, clock, exclusive=False)
        chunks = Chunks()
        before = peak_rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        report = ledger_import.import_ledger(session, ledger, progress=chunks)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        session.close()
        assert report.count("已导入") == rows, report.summary
        print(f"import_s: {seconds:.1f} s")
        # On a shared machine the wall time includes waiting for a core; the CPU time does not.
        print(f"import_cpu_s: {cpu:.1f} s")
        print(f"rows_per_s: {rows / seconds:.0f} rows/s")
        print(f"chunk_max_ms: {chunks.longest * 1000:.0f} ms")
        tenth = max(2, len(chunks.points) // 10)
        print(f"rows_per_s_first_tenth: {chunks.rate(slice(0, tenth)):.0f} rows/s")
        print(f"rows_per_s_last_tenth: {chunks.rate(slice(-tenth, None)):.0f} rows/s")
        print(f"peak_rss_mb: {peak_rss_mb():.0f} MB")
        print(f"rss_growth_mb: {peak_rss_mb() - before:.0f} MB")
        if args.no_plain:
            return
        twin = plain_database(Path(tmp) / "plain.sqlite")
        for _, script in migrations():
            twin.executescript(script.read_text(encoding="utf-8"))
        plain = PlainSession(twin, clock)
        started = time.perf_counter()
        plain_report = ledger_import.import_ledger(plain, ledger)  # type: ignore[arg-type]
        plain_seconds = time.perf_counter() - started
        twin.close()
        assert plain_report.count("已导入") == rows, plain_report.summary
        print(f"plain_import_s: {plain_seconds:.1f} s")
        print(f"import_ratio: {seconds / plain_seconds:.2f} x")


if __name__ == "__main__":
    main()
