"""The room's life, stepped at random through every rule (tests/rules/machine.py).

CI runs a bounded, derandomised run (about 20 s on two cores); bench/rules_machine.py runs many
more examples with fresh randomness.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from app.paths import RoomPaths
from tests.rules.machine import RoomMachine

CI = settings(
    max_examples=20,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_every_rule_holds_through_a_random_life(
    template_room: RoomPaths, sheet_text: str, tmp_path: Path
) -> None:
    RoomMachine.template = template_room
    RoomMachine.scratch = tmp_path
    RoomMachine.sheet = sheet_text
    RoomMachine.steps_run = 0
    run_state_machine_as_test(RoomMachine, settings=CI)
    print(f"steps: {RoomMachine.steps_run}")  # shown with -s
    assert RoomMachine.steps_run > 100  # the rules ran, not only their preconditions
