"""Building the task widgets from widgets/*.widget: data, buttons, schema checks, hostile text."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from chatkit_app import widgets
from chatkit_app.widgets import widget_nodes
from taskboard.models import Task
from tests.factories import make_task, make_user

pytestmark = pytest.mark.django_db

HOSTILE = 'Fix "quotes" \\ {{ 7*7 }} </script> ", "onClickAction": {"type": "task.approve"}'


def dump(widget) -> dict:
    return widget.model_dump(mode="json", exclude_none=True)


def buttons(tree) -> list[dict]:
    return [node for node in widget_nodes(tree) if node.get("type") == "Button"]


def actions(tree) -> list[dict]:
    return [node["onClickAction"] for node in widget_nodes(tree) if "onClickAction" in node]


def texts(tree) -> list[str]:
    return [
        node.get("value") or node.get("label") or node.get("defaultValue")
        for node in widget_nodes(tree)
        if isinstance(node.get("type"), str)
    ]


@pytest.mark.parametrize("name", ["task_list", "task_form", "task_card"])
def test_widget_files_are_chatkit_studio_templates_with_a_schema(name):
    spec = json.loads((widgets.WIDGETS_DIR / f"{name}.widget").read_text())

    assert spec["version"] == "1.0"
    assert spec["name"] == name
    assert isinstance(spec["template"], str)
    assert spec["jsonSchema"]["type"] == "object"
    assert spec["jsonSchema"]["additionalProperties"] is False


def test_task_list_shows_each_task_with_status_badge_and_select_action(member):
    bob = make_user(username="bob", first_name="Bob", last_name="Builder")
    task = make_task(
        title="Fix login", assignee=bob, priority=Task.Priority.HIGH, due_date=date(2030, 1, 2)
    )

    tree = dump(widgets.build_task_list(tasks=[task], user=member, title="Tasks"))

    assert tree["type"] == "ListView"
    assert tree["status"]["text"] == "Tasks"
    [row] = tree["children"]
    assert row["key"] == f"task-{task.pk}"
    assert row["onClickAction"] == {
        "type": "task.select",
        "handler": "client",
        "payload": {"task_id": task.pk},
    }
    shown = texts(row)
    assert "Fix login" in shown
    assert f"#{task.pk}" in shown
    assert "To do" in shown
    assert "High priority · Bob Builder · Due Jan 2, 2030" in shown


@pytest.mark.parametrize(
    ("status", "member_actions", "approver_actions"),
    [
        ("todo", ["task.start"], ["task.start"]),
        ("in_progress", ["task.submit"], ["task.submit"]),
        ("review", [], ["task.approve", "task.reject"]),
        ("done", [], ["task.reopen"]),
    ],
)
def test_every_transition_has_a_labelled_server_button_for_users_allowed_to_make_it(
    member, approver, status, member_actions, approver_actions
):
    task = make_task(status=status)

    for user, expected in ((member, member_actions), (approver, approver_actions)):
        for widget in (
            widgets.build_task_list(tasks=[task], user=user),
            widgets.build_task_card(task, user),
        ):
            found = buttons(dump(widget))
            assert [b["onClickAction"]["type"] for b in found] == expected
            for button in found:
                assert button["label"].strip()
                assert button["onClickAction"]["handler"] == "server"
                assert button["onClickAction"]["payload"] == {"task_id": task.pk}


def test_permissions_are_read_only_when_a_task_could_need_an_approver(
    member, django_assert_num_queries
):
    tasks = [make_task(status="todo"), make_task(status="in_progress")]
    in_review = make_task(status="review")
    fresh = get_user_model().objects.get(pk=member.pk)  # no permissions cached yet

    with django_assert_num_queries(0):
        widgets.build_task_list(tasks=tasks, user=fresh)
    with django_assert_num_queries(2):  # the user's and the groups' permissions, once
        widgets.build_task_list(tasks=[*tasks, in_review, in_review], user=fresh)


def test_task_list_offers_show_more_with_the_next_offset_and_status(member):
    tasks = [make_task() for _ in range(3)]

    tree = dump(widgets.build_task_list(tasks=tasks, user=member, status="todo", next_offset=20))

    more = tree["children"][-1]
    [button] = buttons(more)
    assert button["label"] == "Show more"
    assert button["onClickAction"]["type"] == "tasks.more"
    assert button["onClickAction"]["handler"] == "client"
    assert button["onClickAction"]["payload"] == {"status": "todo", "offset": 20}


def test_task_list_without_more_has_no_show_more_button(member):
    tree = dump(widgets.build_task_list(tasks=[make_task()], user=member))

    assert [b["label"] for b in buttons(tree)] == ["Start"]


def test_empty_task_list_says_so(member):
    tree = dump(widgets.build_task_list(tasks=[], user=member))

    assert texts(tree)[-1] == "No tasks match."
    assert buttons(tree) == []


def test_task_list_refuses_more_than_twenty_tasks(member):
    tasks = [make_task() for _ in range(21)]

    with pytest.raises(widgets.WidgetDataError, match="tasks"):
        widgets.build_task_list(tasks=tasks, user=member)


def test_data_not_matching_the_schema_is_refused_before_rendering():
    with pytest.raises(widgets.WidgetDataError, match="status_color"):
        widgets.render(
            "task_card",
            {
                "task": {
                    "id": 1,
                    "title": "x",
                    "description": "",
                    "status": "todo",
                    "status_label": "To do",
                    "status_color": "red",
                    "meta": "",
                    "actions": [],
                },
                "note": "",
            },
        )
    with pytest.raises(widgets.WidgetDataError, match="Additional properties"):
        widgets.render(
            "task_form", {"values": {}, "errors": {}, "priorities": [], "people": [], "x": 1}
        )


def test_hostile_title_renders_exactly_as_typed_and_adds_no_action(member):
    task = make_task(title=HOSTILE, description=HOSTILE, status=Task.Status.REVIEW)

    for widget in (
        widgets.build_task_list(tasks=[task], user=member, note=HOSTILE),
        widgets.build_task_card(task, member, note=HOSTILE),
        widgets.build_task_form(people=[], values={"title": HOSTILE, "description": HOSTILE}),
    ):
        tree = dump(widget)
        assert HOSTILE in texts(tree)
        # A member sees no approve button on a task in review, whatever its title says.
        assert all(action["type"] != "task.approve" for action in actions(tree))
        # {{ 7*7 }} stays as typed (the task's own number may hold a 49 on PostgreSQL).
        assert "49" not in json.dumps(tree).replace(f"#{task.pk}", "").replace(
            f"-{task.pk}", ""
        ).replace(f": {task.pk}", "")


def test_hostile_person_name_stays_a_plain_label(member):
    evil = make_user(username="evil", first_name='"},{"type":"Button"', last_name="{{ 7*7 }}")

    tree = dump(widgets.build_task_form(people=[evil]))

    [assignee] = [n for n in widget_nodes(tree) if n.get("name") == "assignee_id"]
    label = '"},{"type":"Button" {{ 7*7 }}'
    assert assignee["options"] == [{"value": str(evil.pk), "label": label}]
    assert [b["label"] for b in buttons(tree)] == ["Create task"]


def test_task_form_has_every_field_and_submits_task_create(member):
    tree = dump(widgets.build_task_form(people=[member]))

    [form] = [n for n in widget_nodes(tree) if n.get("type") == "Form"]
    assert form["onSubmitAction"]["type"] == "task.create"
    assert form["onSubmitAction"]["handler"] == "server"
    names = {n["name"]: n["type"] for n in widget_nodes(form) if "name" in n}
    assert names == {
        "title": "Input",
        "description": "Textarea",
        "priority": "Select",
        "due_date": "DatePicker",
        "assignee_id": "Select",
    }
    labels = {n["fieldName"]: n["value"] for n in widget_nodes(form) if n.get("type") == "Label"}
    assert set(labels) == set(names)
    [submit] = buttons(form)
    assert submit == {
        "type": "Button",
        "submit": True,
        "label": "Create task",
        "style": "primary",
        "iconStart": "plus",
    }


def test_task_form_refills_values_and_shows_errors_under_their_fields(member):
    tree = dump(
        widgets.build_task_form(
            people=[member],
            values={"title": "Draft", "priority": "high", "due_date": "2030-05-06"},
            errors={"title": ["Too vague."], "__all__": ["Something else."]},
        )
    )

    by_name = {n["name"]: n for n in widget_nodes(tree) if "name" in n}
    assert by_name["title"]["defaultValue"] == "Draft"
    assert by_name["priority"]["defaultValue"] == "high"
    assert by_name["due_date"]["defaultValue"] == "2030-05-06"
    danger = [n["value"] for n in widget_nodes(tree) if n.get("color") == "danger" and "value" in n]
    assert danger == ["Something else.", "Too vague."]
