"""The strategies of the funder's side: boards with their own schools, moments of
receipt inside the window that often share a day."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trajectory.ontwikkelkracht import programme
from trajectory.ontwikkelkracht.school import NETHERLANDS
from trajectory.testing.strategies import (
    ApplicationDraw,
    BoardDraw,
    applications,
    boards,
    receipt_moments,
)

MAIN = programme().round("2024-2025/main")


@given(boards(min_locations=2, max_locations=4))
def test_a_board_has_its_own_schools(drawn: BoardDraw) -> None:
    """Two to four schools, all of the board, with distinct BRINs."""
    assert 2 <= len(drawn.schools) <= 4
    assert {drawn.board} == {school.board for school in drawn.schools}
    assert len(drawn.schools) == len({school.brin for school in drawn.schools})


@given(receipt_moments())
def test_a_moment_of_receipt_is_inside_the_window(moment: object) -> None:
    """Every moment drawn is one the round accepts."""
    assert MAIN.accepts(moment)  # type: ignore[arg-type]


@settings(max_examples=30)
@given(st.lists(applications(), min_size=2, max_size=2))
def test_applications_carry_a_board_and_a_moment(drawn: list[ApplicationDraw]) -> None:
    """An application draw is a board, its schools and a moment inside the window."""
    for one in drawn:
        assert MAIN.accepts(one.received_at)
        assert {one.board} == {school.board for school in one.schools}


def test_moments_of_receipt_tie_on_a_day() -> None:
    """Two moments drawn together can fall on the same day: the ties a lottery orders."""
    from hypothesis import find

    pair = find(
        st.tuples(receipt_moments(), receipt_moments()),
        lambda found: (
            found[0] != found[1]
            and found[0].astimezone(NETHERLANDS).date() == found[1].astimezone(NETHERLANDS).date()
        ),
    )
    assert pair[0] != pair[1]
