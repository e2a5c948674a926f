"""Tests of trajectory.store: one contract for every store, migrations, open_store."""
