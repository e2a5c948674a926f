"""Every file in examples/ runs, and says what it is meant to say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The example programmes; a module whose name starts with _ is a helper they share.
EXAMPLES = sorted(
    path
    for path in (Path(__file__).parent.parent / "examples").glob("*.py")
    if not path.name.startswith("_")
)

EXPECTED = {
    "quickstart.py": [
        "participants.minimum",
        "participants.school_leader",
        "activity_plan.missing_part",
        "submit_application by board: application_in_preparation → application_submitted",
        "replayed from 11 events: True",
    ],
    "six_step_cycle.py": [
        "six_step_cycle: 8 states, 11 events",
        "round 1 of CSG De Waard",
        "refused plan_activity: activity.no_responsible",
        "overdue: discuss_plan (recurring) at 2024-09-30",
        "due: carry_out_activity (deadline) at 2024-10-14",
        "refused review_progress: activities.minimum: Carry out at least 2 improvement "
        "activities first; there were 1.",
        "map_situation: quality_maintained → situation_mapped",
        "round 2 of CSG De Waard",
        "refused map_situation: cycle.maximum",
        "CSG De Waard: ended after 2 rounds",
    ],
    "custom_lifecycle.py": [
        "refused: visit.host_missing",
        "refused: visit.date_passed",
        "OBS De Linde: held at RKBS Drie Koningen on 2024-09-20",
    ],
    "rotterdam_school_development.py": [
        "rotterdam_school_development: 10 states, 12 events",
        "apply_for_budget: requested → drafting",
        "refused endorse: application.no_investments",
        "refused endorse: endorsement.wrong_board: Stichting Katholiek Onderwijs Zuid is not "
        "the board of OBS De Maasoever; that is Stichting Openbaar Onderwijs Maasstad.",
        "refused submit: endorsement.missing",
        "submit: drafting → submitted",
        "refused grant: grant.above_request: A grant of €120,000.00 is more than the "
        "€117,000.00 asked for.",
        "OBS De Maasoever: granted, EUR 117,000 of EUR 117,000",
        "refused apply_for_budget: school.sector_not_eligible: The school-development budget "
        "is for schools in po, so, vso and vo; ROC Zuidrand is mbo.",
        "refused grant: budget.exceeded: A grant of €38,000.00 does not fit the yearly budget "
        "of €28,000,000.00: €27,990,000.00 is granted already this year.",
        "VSO De Wilgenhoek (vso, Stichting Openbaar Onderwijs Maasstad, judged 'voldoende')\n"
        "  apply_for_budget: requested → drafting",
        "VSO De Wilgenhoek: rejected: The school-development budget of this year is spent.",
        "KBS Het Anker (po, Stichting Katholiek Onderwijs Zuid, judged 'onvoldoende')",
        "refused enter_strong_schools: strong_schools.no_concern",
        "enter_strong_schools: requested → selected",
        "refused apply_for_budget: transition.not_allowed",
        "refused match_experts: experts.challenge_unmatched: No external expert is matched "
        "with the challenge 'urgentiebesef'.",
        "refused match_experts: experts.challenge_unknown",
        "match_experts: analysed → supporting",
        "refused record_result: result.challenge_unsupported",
        "KBS Het Anker: completed after support on leiderschap, planmatige aanpak, urgentiebesef",
    ],
    "leerkracht.py": [
        "leerkracht: 9 states, 13 events",
        "refused start_with_team: start.themes_missing",
        "period 1 of team bovenbouw, guided by the expert coach",
        "refused design_lesson: lesson.not_a_pair: A lesson is designed in pairs; this one "
        "by 3: Anouk, Bram and Chantal.",
        "refused observe_lesson: lesson.not_of_the_pair",
        "refused observe_lesson: lesson.observer_is_teacher",
        "refused observe_lesson: lesson.effect_missing",
        "refused work_session: work_session.no_board_session",
        "refused hand_over: hand_over.cycles_minimum: The team completed 1 cycle(s); the "
        "guidance is handed over after at least 2.",
        "refused hand_over: hand_over.coach_not_trained",
        "set_goals: reflected → goals_set",
        "period 2 of team bovenbouw, guided by the expert coach",
        "hand_over: reflected → reflected",
        "refused hand_over: hand_over.done",
        "team bovenbouw: 2 periods, 2 completed, guided by Dewi",
        "Which weekly board sessions are overdue on 2024-09-30?",
        "team onderbouw: on time, next due 2024-10-07",
        "team middenbouw: due 2024-09-23, 7 days overdue",
        "team bovenbouw: due 2024-09-09, 21 days overdue",
    ],
}


def test_every_example_has_expectations() -> None:
    """A new example cannot be added without saying what it should print."""
    assert sorted(EXPECTED) == sorted(path.name for path in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(path: Path) -> None:
    """The example runs as a script, exits 0 and prints what it promises."""
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert 0 == done.returncode, done.stderr
    for line in EXPECTED[path.name]:
        assert line in done.stdout
