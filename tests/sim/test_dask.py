"""A cohort on a Dask cluster: ``simulate(executor=client.get_executor())`` runs its
maps on the cluster's workers and gives the report of the process pool.

The cluster is a real ``dask.distributed.LocalCluster`` of two worker processes (the
``dask`` extra): every chunk of schools, and every history shipped between the
phases, is pickled to a worker and back, as on a cluster of many machines.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import structlog

from trajectory.ontwikkelkracht import rules_for
from trajectory.sim.cohort import Report, simulate

if TYPE_CHECKING:
    from distributed import Client

distributed = pytest.importorskip(
    "distributed", reason="the Dask tests need the dask extra: pip install '.[dask]'"
)

SCHOOLS = 120
#: 40 grants' worth: a ceiling, so the decided schools cross to a third phase.
BUDGET = 40 * rules_for("2024-2025").subsidy_amount


@pytest.fixture(autouse=True)
def _quiet_logging() -> None:
    """The engine logs every event at info, and a cohort fires thousands (the
    repository's conftest resets structlog after each test)."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """A client of a local cluster: two worker processes of one thread each, no
    dashboard and no fixed port, the cluster's own logging above warnings only."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # The scheduler's HTTP server (health, metrics) on a free port, not 8787:
            # another cluster on the machine may hold that one.
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def pooled() -> Report:
    """The cohort with a budget ceiling, in a process pool of two."""
    return simulate(SCHOOLS, seed=7, budget=BUDGET, processes=2)


@pytest.mark.parametrize("continuation", ["ship", "replay"])
def test_a_dask_cluster_gives_the_report_of_the_process_pool(
    client: Client, pooled: Report, continuation: str
) -> None:
    """Run on the cluster (chunked for four workers), the cohort gives the report the
    process pool gives for the same seed; both phases ran as tasks on the workers."""
    workers = set(client.scheduler_info()["workers"])
    with distributed.get_task_stream(client) as stream:
        report = simulate(
            SCHOOLS,
            seed=7,
            budget=BUDGET,
            executor=client.get_executor(),
            processes=4,
            continuation=continuation,  # type: ignore[arg-type]
        )
    assert pooled == report
    assert pooled.to_dict() == report.to_dict()
    ran = {(task["key"].split("-")[0], task["worker"] in workers) for task in stream.data}
    assert {("_walk_chunk", True), ("_decide_chunk", True)} == ran


def test_the_ceiling_decides_across_the_cluster(pooled: Report) -> None:
    """The comparison above is of a cohort that used all three phases: the budget
    granted exactly 40 applications and refused the rest for the budget."""
    assert (40, Decimal(40) * rules_for("2024-2025").subsidy_amount) == (
        pooled.granted,
        pooled.subsidy_granted,
    )
    assert 0 < pooled.violations["budget.exhausted"]
