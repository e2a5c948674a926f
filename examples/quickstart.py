"""Quick start: a leertraject, the blockers of its application, and firing it.

Run with ``python examples/quickstart.py``.
"""

from __future__ import annotations

import datetime as dt

import trajectory


def main() -> None:
    clock = trajectory.ManualClock(dt.datetime(2024, 5, 2, 10, 0, tzinfo=dt.UTC))
    school = trajectory.School(
        name="OBS De Linde", sector="po", board="Stichting Primair", brin="12AB00"
    )
    t = trajectory.new_trajectory(
        school=school, offer="leven-lang-lezen", school_year="2024-2025", clock=clock
    )
    t.fire("record_talk", kind="exploratory_talk", date=dt.date(2024, 4, 20))
    t.fire(
        "hold_orientation",
        date=dt.date(2024, 4, 22),
        learning_question="How do we raise reading motivation?",
        conclusion="positive",
        report="The trajectory fits our question.",
    )
    t.fire("register")
    for name in ("Anna", "Bram", "Chloé"):
        t.fire("add_participant", name=name, role="teacher", planned_hours=200)

    print(f"{t.state}: can we submit?")
    for violation in t.check("submit_application"):
        print(f"  {violation.code:<28} {violation.message('en')}")

    t.fire("add_participant", name="Daan", role="school_leader", planned_hours=100)
    t.fire("add_participant", name="Eva", role="teacher", planned_hours=100)
    t.fire(
        "write_activity_plan",
        report="Report of the orientation talk.",
        willing_and_able="Time is reserved in the annual plan.",
        leadership_commitment="The school leader and board are committed.",
        team_support="The team voted to take part.",
    )
    event = t.fire("submit_application", actor="board")
    print(f"{event.sequence}. {event.name} by {event.actor}: {event.from_state} → {t.state}")
    print(f"replayed from {len(t.history)} events: {trajectory.replay(t.history) == t}")


if __name__ == "__main__":
    main()
