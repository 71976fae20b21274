"""Verifying a long trail on every core: the chain cut into ranges, one process each.

Every event stores the hash it follows, so the chain holds exactly when each event's hash is
the hash of its own fields with its stored predecessor, and each stored predecessor is the
stored hash of the event before it. Both can be checked range by range, and the seams between
ranges by the parent. The first event that fails is the smallest failing sequence number of any
range — what the sequential walk (`audit.walk`) names. Each worker opens its own read
connection with the data key handed over a pipe (never a file); the room is not written.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from app import audit
from db.connection import Database

# Below this many events the start-up of the workers costs more than it saves.
PARALLEL_FROM = 200_000


@dataclass(frozen=True)
class _Part:
    first_seq: int
    first_prev: str | None
    last_hash: str | None
    count: int
    broken_seq: int | None
    heads: dict[int, str]


def _verify_range(path: str, key: bytes, lo: int, hi: int, wanted: frozenset[int]) -> _Part:
    db = Database.open(Path(path), key)
    try:
        cursor = db.execute(
            "SELECT seq, at, account, action, object, details, prev_hash, hash FROM audit_event"
            " WHERE seq BETWEEN ? AND ? ORDER BY seq",
            (lo, hi),
        )
        expected, first_prev, last, count = lo, None, None, 0
        heads: dict[int, str] = {}
        sha = hashlib.sha256
        for seq, at, account, action, obj, details, prev_hash, stored in cursor:
            if first_prev is None:
                first_prev = prev_hash
            payload = audit._payload(seq, at, account, action, obj, details, prev_hash)
            digest = sha(payload.encode("utf-8")).hexdigest()
            linked = last is None or prev_hash == last
            if seq != expected or stored != digest or not linked:
                return _Part(lo, first_prev, last, count, expected, heads)
            if seq in wanted:
                heads[seq] = digest
            last = stored
            count += 1
            expected += 1
        broken = expected if expected <= hi else None
        return _Part(lo, first_prev, last, count, broken, heads)
    finally:
        db.close()


def walk(
    path: Path, key: bytes, last_seq: int, wanted: set[int], workers: int | None = None
) -> tuple[audit.ChainReport, dict[int, str]]:
    """(the chain's report up to `last_seq`, recomputed hashes at the `wanted` sequences)."""
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    step = -(-last_seq // workers)
    bounds = [(lo, min(last_seq, lo + step - 1)) for lo in range(1, last_seq + 1, step)]
    frozen = frozenset(wanted)
    with ProcessPoolExecutor(len(bounds), mp_context=get_context("spawn")) as pool:
        parts = list(
            pool.map(
                _verify_range,
                *zip(*[(str(path), key, lo, hi, frozen) for lo, hi in bounds], strict=True),
            )
        )
    heads: dict[int, str] = {}
    count, previous = 0, audit.GENESIS
    for part in parts:
        heads.update(part.heads)
        seam_ok = part.first_prev is None or part.first_prev == previous
        if not seam_ok:
            return audit.ChainReport(False, count, previous, broken_seq=part.first_seq), heads
        count += part.count
        if part.broken_seq is not None:
            return audit.ChainReport(
                False, count, part.last_hash or previous, part.broken_seq
            ), heads
        previous = part.last_hash or previous
    return audit.ChainReport(True, count, previous), heads
