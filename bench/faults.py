"""Fault campaign (issue 12): a full disk and single-bit flips in each of a room's files.

    python bench/faults.py [--per-kind 100] [--db-flips 300] [--wal-flips 100] [--side-flips 100]

Prints `name: value unit` lines. The disk-full part mounts a 3 MiB tmpfs (needs root); it is
skipped with a line saying so where mounting is refused.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.clock import FixedClock  # noqa: E402
from app.demo import create_demo_room  # noqa: E402
from bench import fault_disk, fault_flips  # noqa: E402


def disk_full(per_kind: int) -> None:
    if not fault_disk.can_mount():
        print("disk_full_skipped: 1 (mount -t tmpfs refused)")
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        counts = fault_disk.campaign(fault_disk.template(Path(work)), per_kind)
    for kind in fault_disk.KINDS:
        tried = sum(counts[f"{kind}_{r}"] for r in ("ok", "clean", "traceback"))
        print(f"full_{kind}_tried: {tried} writes")
        print(f"full_{kind}_ok: {counts[f'{kind}_ok']} writes")
        print(f"full_{kind}_clean_message: {counts[f'{kind}_clean']} writes")
        print(f"full_{kind}_traceback: {counts[f'{kind}_traceback']} writes")
    failed = sum(v for k, v in counts.items() if k.endswith(("_clean", "_traceback")))
    clean = sum(v for k, v in counts.items() if k.endswith("_clean"))
    print(f"full_clean_share: {100.0 * clean / max(1, failed):.1f} %")
    print(f"full_commits_lost: {counts['lost']} events")
    print(f"full_reopen_failed: {counts['reopen_failed']} opens")
    print(f"full_open_called_damaged: {counts['open_full_damaged']} opens")
    print(f"full_open_traceback: {counts['open_full_traceback']} opens")
    print(f"full_tmp_leftover: {counts['tmp_leftover']} files")
    for key, value in sorted(counts.items()):
        if key.startswith("message:"):
            print(f"#   {value:4d} × {key[8:]}")
    print(f"full_seconds: {time.perf_counter() - started:.1f} s")


def report(prefix: str, counts: Counter[str], tried: int) -> None:
    caught_open = sum(v for k, v in counts.items() if k.startswith("caught_open"))
    print(f"{prefix}_tried: {tried} flips")
    print(f"{prefix}_caught_at_open: {caught_open} flips")
    print(f"{prefix}_caught_by_check: {counts['caught_check']} flips")
    print(f"{prefix}_check_typed_error: {counts['check_error']} flips")
    print(f"{prefix}_harmless: {counts['harmless']} flips")
    print(f"{prefix}_traceback: {counts['traceback']} flips")
    print(f"{prefix}_silent_loss: {counts['silent_loss']} flips")
    for key, value in sorted(counts.items()):
        if key.startswith("caught_open:"):
            print(f"#   {value:4d} × {key[12:]}")


def flips(db_flips: int, wal_flips: int, side_flips: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        room = create_demo_room(
            work / "template" / "room.mjdb",
            FixedClock(fault_disk.START),
            fault_disk.CHEAP,
            content=True,
        )
        report("db_flips", fault_flips.db_campaign(room, work, db_flips), db_flips)
        for which in ("keys", "anchor"):
            counts = fault_flips.side_file_campaign(room, work, side_flips, which)
            report(f"{which}_flips", counts, side_flips)
        counts = fault_flips.wal_campaign(work / "wal", wal_flips)
        report("wal_flips", counts, wal_flips)
        print(f"wal_control_intact: {counts['control_harmless']} rooms")
        print(f"wal_flips_lost_not_refused: {counts['lost_not_refused']} flips")
        lost = [
            int(k.split(":")[1])
            for k, v in counts.items()
            if k.startswith("lost_events:")
            for _ in range(v)
        ]
        lost_nonzero = [n for n in lost if n]
        if lost_nonzero:
            print(f"wal_flips_losing_commits: {len(lost_nonzero)} flips")
            print(f"wal_lost_events_median: {statistics.median(lost_nonzero):.0f} events")
            print(f"wal_lost_events_max: {max(lost_nonzero)} events")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--db-flips", type=int, default=300)
    parser.add_argument("--wal-flips", type=int, default=100)
    parser.add_argument("--side-flips", type=int, default=100)
    args = parser.parse_args()
    disk_full(args.per_kind)
    flips(args.db_flips, args.wal_flips, args.side_flips)


if __name__ == "__main__":
    main()
