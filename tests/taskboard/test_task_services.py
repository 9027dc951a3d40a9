"""task_create and task_update validate every field, whoever calls them."""

import pytest
from django.core.exceptions import ValidationError

from taskboard import services
from taskboard.models import Task
from tests.factories import make_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "ok", "description": "d" * 5001}, "description"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"title": "nul\x00"}, "title"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "assignee_id": 999999}, "assignee_id"),
    ],
)
def test_create_refuses_invalid_fields_and_writes_nothing(member, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        services.task_create(actor=member, **fields)
    assert field in excinfo.value.message_dict
    assert not Task.objects.exists()


def test_description_of_exactly_the_limit_is_accepted(member):
    task = services.task_create(actor=member, title="ok", description="d" * 5000)
    assert len(Task.objects.get(pk=task.pk).description) == 5000


def test_update_refuses_status_and_overlong_description(member):
    task = make_task(title="Stable")
    with pytest.raises(ValidationError) as excinfo:
        services.task_update(task_id=task.pk, actor=member, status="done")
    assert "status" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.task_update(task_id=task.pk, actor=member, description="d" * 5001)
    task.refresh_from_db()
    assert (task.status, task.description) == ("todo", "")
