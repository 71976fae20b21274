"""A full disk (a real 3 MiB tmpfs, filled): every write ends in a calm Chinese message, nothing
acknowledged is lost once space is freed, no keys-file leftover. Full counts: bench/faults.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import fault_disk

pytestmark = pytest.mark.skipif(
    not fault_disk.can_mount(), reason="mount -t tmpfs is refused here (needs root)"
)


@pytest.fixture(scope="module")
def cheap_template(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return fault_disk.template(tmp_path_factory.mktemp("full-template"))


def test_every_write_on_a_full_disk_is_clean_and_nothing_is_lost(cheap_template) -> None:  # type: ignore[no-untyped-def]
    counts = fault_disk.campaign(cheap_template, per_kind=3)
    tracebacks = {k: v for k, v in counts.items() if k.endswith("_traceback")}
    assert tracebacks == {}, counts
    for kind in fault_disk.KINDS:
        assert counts[f"{kind}_clean"] + counts[f"{kind}_ok"] == 3
    assert counts["registration_clean"] >= 1  # the disk really was full
    assert counts["lost"] == 0
    assert counts["reopen_failed"] == 0
    assert counts["tmp_leftover"] == 0
    assert counts["open_full_damaged"] == 0 and counts["open_full_traceback"] == 0
    opened = [k for k in counts if k.startswith("message:open:")]
    assert all("磁盘空间不足" in k for k in opened), opened


def test_keys_file_on_a_full_disk_leaves_no_temp_file(cheap_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.errors import KeysFileWriteFailed
    from db.keyslots import KeyFile

    with fault_disk.small_disk("1m") as folder:
        keys = folder / "room.mjdb.keys"
        keys.write_bytes(cheap_template.keys.read_bytes())
        before = keys.read_bytes()
        keyfile = KeyFile.load(keys)
        fault_disk.fill(folder)
        keyfile.pending_events.append({"padding": "x" * 20_000})
        with pytest.raises(KeysFileWriteFailed, match="磁盘空间不足"):
            keyfile.save()
        assert keys.read_bytes() == before
        assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []
