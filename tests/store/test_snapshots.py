"""When a save writes a new snapshot: the share of a save in the snapshots stays the
same however long the history, and a load applies a bounded part of it again."""

from __future__ import annotations

import itertools

from trajectory.store.base import SNAPSHOT_EVERY, snapshot_bucket


def snapshot_versions(last: int) -> list[int]:
    """The versions at which single-event saves up to ``last`` write a snapshot."""
    return [v for v in range(1, last + 1) if v == 1 or snapshot_bucket(v) != snapshot_bucket(v - 1)]


def test_short_histories_get_a_snapshot_every_25_events() -> None:
    """Up to 255 events: a snapshot at the first save and at every multiple of 25."""
    assert [1, *range(SNAPSHOT_EVERY, 256, SNAPSHOT_EVERY)] == snapshot_versions(255)


def test_long_histories_get_snapshots_further_apart_in_proportion() -> None:
    """Past 256 events, 16 snapshots per doubling of the history: the events after a
    snapshot are at most a sixteenth of the history, and their count grows with it."""
    versions = snapshot_versions(100_000)
    gaps = [(b, b - a) for a, b in itertools.pairwise(versions) if b > 256]
    assert all(gap <= max(SNAPSHOT_EVERY, version // 16 + 1) for version, gap in gaps)
    assert 16 * (100_000).bit_length() >= len(versions)
    assert [16, 32, 64] == sorted({gap for version, gap in gaps if version <= 2048})
