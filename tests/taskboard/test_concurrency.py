"""Simultaneous requests for one transition apply it once, with real concurrent connections."""

import threading

import pytest
from django.db import connections

from taskboard import services
from taskboard.models import TaskEvent
from tests.factories import make_task

CONCURRENT_REQUESTS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_approvals_apply_once(approver):
    task = make_task(status="review")
    barrier = threading.Barrier(CONCURRENT_REQUESTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve() -> None:
        # Each thread opens its own database connection.
        try:
            barrier.wait(timeout=10)
            services.task_transition(
                task_id=task.pk, action="approve", actor=approver, source="api"
            )
            outcome = "applied"
        except services.TransitionNotAllowed:
            outcome = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=approve) for _ in range(CONCURRENT_REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["applied"] + ["refused"] * (CONCURRENT_REQUESTS - 1)
    task.refresh_from_db()
    assert task.status == "done"
    assert TaskEvent.objects.filter(task=task).count() == 1
