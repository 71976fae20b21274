"""What was carried in on the USB stick is what was built: the installed program's manifest.

The bundle (tools/bundle.sh) writes `MANIFEST.sha256` beside the program, one line per file in
`sha256sum` form ("<hex>  <relative path>"), sorted by path. `mijian --self-check` hashes
every installed file again and names each one that differs, is missing, or was added. The
manifest itself is vouched for by the `SHA256SUMS` line the custodian compares, on paper,
with the one on the stick before installing (README, 安装): the .deb's hash covers it.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "MANIFEST.sha256"


@dataclass(frozen=True)
class Finding:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.added)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and p.name != MANIFEST
    )


def write_manifest(root: Path) -> int:
    """Hash every file under `root` into root/MANIFEST.sha256; returns how many."""
    names = _files(root)
    lines = [f"{file_hash(root / name)}  {name}\n" for name in names]
    (root / MANIFEST).write_text("".join(lines), encoding="utf-8")
    return len(names)


def verify(root: Path) -> Finding:
    """Compare the files under `root` with its manifest. FileNotFoundError if there is none."""
    expected: dict[str, str] = {}
    for line in (root / MANIFEST).read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split("  ", 1)
            expected[name] = digest
    present = set(_files(root))
    finding = Finding(checked=len(expected))
    for name, digest in sorted(expected.items()):
        if name not in present:
            finding.missing.append(name)
        elif file_hash(root / name) != digest:
            finding.changed.append(name)
    finding.added.extend(sorted(present - expected.keys()))
    return finding


def installed_root() -> Path | None:
    """The folder of the installed (frozen) program; None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def run(root: Path | None = None) -> int:
    """`mijian --self-check`: prints the finding in Chinese; 0 when every file matches and a
    process apart (long reports, the full check) starts."""
    from app.apart import probe

    if probe():
        print("报表进程：正常。")
    else:
        print("报表进程：无法启动，长报表和完整校验不能进行。请用原安装包重新安装。")
        return 1
    root = root or installed_root()
    if root is None:
        print("从源码运行：没有安装清单可以核对（自检只用于安装包安装的程序）。")
        return 2
    try:
        finding = verify(root)
    except FileNotFoundError:
        print(f"{root} 中没有安装清单 {MANIFEST}：无法自检。请用原安装包重新安装。")
        return 2
    if finding.ok:
        print(f"自检通过：{finding.checked} 个文件与安装清单一致（{root}）。")
        return 0
    print(f"自检未通过：程序文件与安装清单不一致（{root}）。请勿使用，用原安装包重新安装。")
    for title, names in (
        ("被修改", finding.changed),
        ("缺失", finding.missing),
        ("多出", finding.added),
    ):
        for name in names[:50]:
            print(f"  {title}：{name}")
        if len(names) > 50:
            print(f"  ……另有 {len(names) - 50} 个{title}的文件")
    return 1


if __name__ == "__main__":  # tools/bundle.sh: python -m app.selfcheck write DIR
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        print(f"manifest: {write_manifest(Path(sys.argv[2]))} files")
    else:
        raise SystemExit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
