"""python manage.py seed_demo: demo people and tasks, safe to run again."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from taskboard.models import Task
from taskboard.transitions import user_can_approve

pytestmark = pytest.mark.django_db


def test_seed_creates_an_approver_a_member_and_a_dozen_tasks(capsys):
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "alice / taskboard-demo" in out
    assert "bob / taskboard-demo" in out
    users = get_user_model().objects
    assert user_can_approve(users.get(username="alice"))
    assert not user_can_approve(users.get(username="bob"))
    assert Task.objects.count() == 12
    assert set(Task.objects.values_list("status", flat=True)) == {s.value for s in Task.Status}


def test_seed_is_idempotent_and_keeps_changed_passwords():
    call_command("seed_demo")
    bob = get_user_model().objects.get(username="bob")
    bob.set_password("changed-by-bob")
    bob.save()

    call_command("seed_demo")

    assert Task.objects.count() == 12
    assert get_user_model().objects.count() == 2
    bob.refresh_from_db()
    assert bob.check_password("changed-by-bob")


def test_seed_runs_again_when_users_made_tasks_with_a_demo_title(member):
    call_command("seed_demo")
    demo = Task.objects.get(title="Write onboarding guide")
    Task.objects.create(title=demo.title, created_by=member)
    Task.objects.create(title=demo.title, created_by=member)

    call_command("seed_demo")

    assert Task.objects.filter(title="Write onboarding guide").count() == 3
    assert Task.objects.count() == 14
