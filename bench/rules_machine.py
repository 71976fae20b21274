"""The room's lifecycle state machine (tests/rules/machine.py) run long, with fresh randomness.

    python bench/rules_machine.py [--examples 200] [--steps 40]

Prints the examples run, the steps taken (rules that ran, not skipped) and the rate:
    examples: …   steps: …   examples_per_s: … /s
A failure prints Hypothesis's shortest example and exits non-zero.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

from app.clock import FixedClock  # noqa: E402
from app.demo import create_demo_room, sheet_path  # noqa: E402
from tests.conftest import START  # noqa: E402
from tests.rules.machine import RoomMachine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--steps", type=int, default=40, help="steps per example at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mijian-rules-") as where:
        template = create_demo_room(
            Path(where) / "template" / "room.mjdb", FixedClock(START), content=False
        )
        RoomMachine.template = template
        RoomMachine.scratch = Path(where)
        RoomMachine.sheet = sheet_path(template).read_text(encoding="utf-8")
        RoomMachine.steps_run = 0
        examples = 0
        original = RoomMachine.__init__

        def counting(self: RoomMachine) -> None:
            nonlocal examples
            examples += 1
            original(self)

        RoomMachine.__init__ = counting  # type: ignore[method-assign]
        run = settings(
            max_examples=args.examples,
            stateful_step_count=args.steps,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        started = time.perf_counter()
        try:
            run_state_machine_as_test(RoomMachine, settings=run)
        finally:
            took = time.perf_counter() - started
            print(f"examples: {examples}")
            print(f"steps: {RoomMachine.steps_run}")
            print(f"examples_per_s: {examples / took:.2f} /s   ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
