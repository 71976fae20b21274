"""Slip benchmark: one slip, 100 slips in one PDF, a sheet of 40 labels (serials issued and
the PDF drawn in memory, as the window does).

    python bench/slips.py [--room small|large|stress]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.slip_print import print_slips  # noqa: E402
from bench.rooms import build, open_encrypted  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--room", choices=("small", "large", "stress"), default="small")
    size = parser.parse_args().room
    paths, _ = build(size)
    session = open_encrypted(paths)
    db = session.db
    ten_copies = [
        int(r[0])
        for r in db.query(
            "SELECT document_id FROM copy GROUP BY document_id HAVING count(*) = 10 LIMIT 20"
        )
    ]
    one = ten_copies[0]
    first_copy = int(db.scalar("SELECT min(id) FROM copy WHERE document_id = ?", (one,)))
    print_slips(session, one, [first_copy])  # fonts registered, caches warm
    singles = []
    for _ in range(10):
        t = time.perf_counter()
        pdf = print_slips(session, one, [first_copy])
        singles.append(time.perf_counter() - t)
    print(f"one_slip_median: {statistics.median(singles) * 1000:.0f} ms")
    print(f"one_slip_bytes: {len(pdf) / 1024:.0f} KiB")
    t = time.perf_counter()
    pages = sum(len(print_slips(session, d)) > 0 for d in ten_copies[:10])
    hundred = time.perf_counter() - t
    print(f"hundred_slips_in_ten_pdfs: {hundred:.2f} s")
    # One PDF of 100 slips: ten documents' copies drawn together.
    from app import documents, slips
    from app.reports.slip_pdf import SlipData, render_labels, render_slips

    t = time.perf_counter()
    data = []
    for d in ten_copies[:10]:
        document = documents.get_document(db, d)
        copies = documents.copies_of(db, d)
        codes = slips.issue(session, [c.id for c in copies], slips.form_for(document.source))
        data += [SlipData(document, c, code, []) for c, code in zip(copies, codes, strict=True)]
    pdf = render_slips(data, session.room.unit)
    print(f"hundred_slips_one_pdf: {time.perf_counter() - t:.2f} s")
    print(f"hundred_slips_bytes: {len(pdf) / 1024:.0f} KiB")
    t = time.perf_counter()
    labels = []
    for d in ten_copies[10:14]:
        document = documents.get_document(db, d)
        copies = documents.copies_of(db, d)
        codes = slips.issue(session, [c.id for c in copies], slips.LABEL)
        labels += [
            (code, document.number, c.copy_no, document.level_label)
            for c, code in zip(copies, codes, strict=True)
        ]
    sheet = render_labels(labels, session.room.unit)
    print(f"label_sheet_40: {(time.perf_counter() - t) * 1000:.0f} ms")
    print(f"label_sheet_bytes: {len(sheet) / 1024:.0f} KiB")
    assert pages == 10
    session.close()


if __name__ == "__main__":
    main()
