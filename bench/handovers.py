"""The year's 借阅登记 (handover register) at a generated room: the whole year (time, pages, peak
memory), one month and one reader of it, and how soon a cancel stops the year's layout.
`month_apart` is the month as the window makes it: in the report process (app/apart.py),
started and warmed (its imports and fonts) before the click, as the window does after its
opening check; the time is the click's, to the PDF's bytes back in the window's process.

    python bench/handovers.py [--room small|large|stress]

Each figure is measured in a fresh process, so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.apart import ApartProcess, run_apart, warm  # noqa: E402
from app.progress import Cancelled  # noqa: E402
from app.reports import catalog  # noqa: E402
from bench.rooms import build, open_encrypted  # noqa: E402

CASES = ("year", "month", "month_apart", "reader", "cancel")


def busiest(session: object, year: int | None = None) -> tuple[int, int, int]:
    """(the year with most handovers, its busiest month, its busiest reader's id)."""
    db = session.db  # type: ignore[attr-defined]
    if year is None:
        year = int(
            db.scalar(
                "SELECT substr(out_at, 1, 4) AS y FROM handover GROUP BY y"
                " ORDER BY count(*) DESC LIMIT 1"
            )
        )
    start, end = f"{year}-01-01", f"{year + 1}-01-01"
    month = int(
        db.scalar(
            "SELECT substr(out_at, 6, 2) AS m FROM handover WHERE out_at >= ? AND out_at < ?"
            " GROUP BY m ORDER BY count(*) DESC LIMIT 1",
            (start, end),
        )
    )
    reader = int(
        db.scalar(
            "SELECT reader_id FROM handover WHERE out_at >= ? AND out_at < ?"
            " GROUP BY reader_id ORDER BY count(*) DESC LIMIT 1",
            (start, end),
        )
    )
    return year, month, reader


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program (VmHWM). Not
    getrusage's ru_maxrss, which a child keeps from the parent it was forked from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(size: str, case: str, year: int, month: int, reader: int) -> None:
    """Measure one case in this process and print its figures."""
    paths, _ = build(size)
    session = open_encrypted(paths)
    pages: list[int] = []
    started = time.perf_counter()
    cpu = time.process_time()
    if case == "cancel":
        asked: list[float] = []

        def stop(done: int, total: int) -> None:
            if done >= total // 2:
                if not asked:
                    asked.append(time.perf_counter())
                raise Cancelled()

        try:
            catalog.render(session, "handovers", year, progress=stop)
        except Cancelled:
            print(f"handovers_cancel_latency: {(time.perf_counter() - asked[0]) * 1000:.0f} ms")
            print(f"handovers_cancel_at_half_after: {asked[0] - started:.1f} s")
        session.close()
        return
    if case == "month_apart":
        session.apart = ApartProcess(session.db.path)
        warm(session)
        time.sleep(5)  # the custodian opens 报表 a few seconds after the window: preloaded
        started = time.perf_counter()
        pdf = run_apart(session, None, catalog.render, "handovers", year, month=month)
        seconds = time.perf_counter() - started
        print(
            f"handovers_month_apart: {seconds:.1f} s wall (warm report process, {year}-{month:02d})"
        )
        print(f"handovers_month_apart_bytes: {len(pdf) / 1024 / 1024:.1f} MiB")
        session.apart.close()
        session.close()
        return
    month_arg = month if case == "month" else None
    reader_arg = reader if case == "reader" else None
    pdf = catalog.render(
        session,
        "handovers",
        year,
        month=month_arg,
        reader=reader_arg,
        progress=lambda done, total: pages.append(done),
    )
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = peak_rss_mb()
    count = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")
    label = {"year": f"{year}", "month": f"{year}-{month:02d}", "reader": f"{year} reader {reader}"}
    print(f"handovers_{case}: {seconds:.1f} s wall, {cpu:.1f} s cpu ({label[case]})")
    print(f"handovers_{case}_pages: {count}")
    print(f"handovers_{case}_bytes: {len(pdf) / 1024 / 1024:.1f} MiB")
    print(f"handovers_{case}_peak_rss: {peak:.0f} MB")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    parser.add_argument("--case", choices=CASES, help="one case, in this process")
    parser.add_argument("--at", help="year,month,reader (found by the parent run)")
    args = parser.parse_args()
    if args.case:
        year, month, reader = (int(v) for v in args.at.split(","))
        one(args.room, args.case, year, month, reader)
        return
    paths, _ = build(args.room)
    session = open_encrypted(paths)
    year, month, reader = busiest(session)
    count = session.db.scalar(
        "SELECT count(*) FROM handover WHERE out_at >= ? AND out_at < ?",
        (f"{year}-01-01", f"{year + 1}-01-01"),
    )
    session.close()
    print(f"room: {args.room}; busiest year {year}: {count} handovers")
    for case in CASES:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--room",
                args.room,
                "--case",
                case,
                "--at",
                f"{year},{month},{reader}",
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
