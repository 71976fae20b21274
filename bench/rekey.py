"""How long a key rotation (app/rekey.py) takes: the demo room and a generated room.

    python bench/rekey.py [small|large|stress]

Each room is copied to a temporary folder first; the generated rooms are built by bench/rooms.py.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import rekey  # noqa: E402
from app.clock import FixedClock  # noqa: E402
from app.demo import DEMO_PASSWORD, create_demo_room  # noqa: E402
from app.paths import RoomPaths  # noqa: E402
from app.session import open_session  # noqa: E402
from bench.rooms import NOW, build  # noqa: E402


def rotate_seconds(source: RoomPaths, where: Path) -> tuple[float, int]:
    room = RoomPaths(where / "room.mjdb")
    shutil.copyfile(source.db, room.db)
    shutil.copyfile(source.keys, room.keys)
    for user in ("jiyao", "baomi", "anquan", "shenji"):  # convert format-1 slots, if any
        open_session(room.db, user, DEMO_PASSWORD, FixedClock(NOW), exclusive=False).close()
    session = open_session(room.db, "xitong", DEMO_PASSWORD, FixedClock(NOW), exclusive=False)
    try:
        started = time.perf_counter()
        rekey.rotate_now(session)
        return time.perf_counter() - started, room.db.stat().st_size
    finally:
        session.close()


def main() -> None:
    size = sys.argv[1] if len(sys.argv) > 1 else "small"
    with tempfile.TemporaryDirectory() as tmp:
        demo = create_demo_room(Path(tmp) / "demo" / "demo.mjdb", FixedClock(NOW))
        (Path(tmp) / "a").mkdir()
        seconds, size_bytes = rotate_seconds(demo, Path(tmp) / "a")
        print(f"demo room ({size_bytes / 1e6:.1f} MB): rotation {seconds * 1000:.0f} ms")
        generated, _ = build(size)
        (Path(tmp) / "b").mkdir()
        seconds, size_bytes = rotate_seconds(generated, Path(tmp) / "b")
        print(f"{size} room ({size_bytes / 1e6:.0f} MB): rotation {seconds:.2f} s")


if __name__ == "__main__":
    main()
