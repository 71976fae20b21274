"""`mijian --self-check`: the installed files against the bundle's manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import selfcheck


def test_a_changed_a_missing_and_an_added_file_are_each_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "opt" / "mijian"
    (program / "_internal" / "fonts").mkdir(parents=True)
    (program / "mijian").write_bytes(b"\x7fELF program")
    (program / "_internal" / "fonts" / "uming.ttc").write_bytes(b"font" * 1000)
    (program / "_internal" / "base_library.zip").write_bytes(b"zip")
    assert selfcheck.write_manifest(program) == 3
    assert selfcheck.run(program) == 0
    assert "自检通过：3 个文件" in capsys.readouterr().out

    (program / "_internal" / "fonts" / "uming.ttc").write_bytes(b"font" * 999 + b"f0nt")
    (program / "_internal" / "base_library.zip").unlink()
    (program / "_internal" / "sitecustomize.py").write_text("import os")
    finding = selfcheck.verify(program)
    assert finding.changed == ["_internal/fonts/uming.ttc"]
    assert finding.missing == ["_internal/base_library.zip"]
    assert finding.added == ["_internal/sitecustomize.py"]
    assert selfcheck.run(program) == 1
    said = capsys.readouterr().out
    assert "自检未通过" in said
    for line in (
        "被修改：_internal/fonts/uming.ttc",
        "缺失：_internal/base_library.zip",
        "多出：_internal/sitecustomize.py",
    ):
        assert line in said


def test_no_manifest_and_a_source_checkout_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert selfcheck.run(tmp_path) == 2
    assert "没有安装清单" in capsys.readouterr().out
    assert selfcheck.installed_root() is None  # the tests run from source
    assert selfcheck.run() == 2
    assert "从源码运行" in capsys.readouterr().out
