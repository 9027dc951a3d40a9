"""Idempotent demo data: an approver, a member and a dozen tasks across all statuses."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from taskboard.models import Task

DEMO_PASSWORD = "taskboard-demo"

PEOPLE = (
    # username, first, last, approver, staff
    ("alice", "Alice", "Approver", True, True),
    ("bob", "Bob", "Member", False, False),
)


def account_lines() -> list[str]:
    """Who to sign in as: one line per demo account."""
    roles = {True: "approver, staff: also opens /admin/", False: "member"}
    return [
        f"    {username} / {DEMO_PASSWORD}  ({roles[approver]})"
        for username, _first, _last, approver, _staff in PEOPLE
    ]


TASKS = (
    # title, description, status, priority, assignee, due in days
    (
        "Fix login redirect loop",
        "Users bounce between /login and / after the session expires.",
        "todo",
        "high",
        "bob",
        2,
    ),
    (
        "Write onboarding guide",
        "A one-page guide for new team members.",
        "todo",
        "medium",
        None,
        10,
    ),
    (
        "Upgrade Postgres to 16",
        "Plan the maintenance window and test the backup restore.",
        "todo",
        "low",
        "alice",
        21,
    ),
    ("Add CSV export to reports", "Finance wants monthly exports.", "todo", "medium", "bob", None),
    ("Design the new pricing page", "Three tiers, annual toggle.", "in_progress", "high", "bob", 5),
    ("Migrate CI to the new runners", "", "in_progress", "medium", "alice", 7),
    (
        "Rate-limit the public API",
        "Per-token limits with a clear 429 body.",
        "in_progress",
        "high",
        None,
        3,
    ),
    (
        "Translate the app to Spanish",
        "Strings are in the catalog already.",
        "review",
        "low",
        "bob",
        14,
    ),
    ("Dark mode for the dashboard", "Follow the system preference.", "review", "medium", "bob", 6),
    ("Audit third-party licences", "", "review", "medium", "alice", None),
    ("Set up error tracking", "Alerts go to the on-call channel.", "done", "high", "alice", -3),
    ("Archive last year's projects", "", "done", "low", "bob", -10),
)


class Command(BaseCommand):
    help = "Create demo users and tasks (safe to run again)."

    @transaction.atomic
    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-accounts",
            dest="accounts",
            action="store_false",
            help="do not list the demo accounts (scripts/run.py lists them once it serves)",
        )

    def handle(self, *args, **options) -> None:
        users = get_user_model().objects
        approve = Permission.objects.get(
            codename="approve_task", content_type__app_label="taskboard"
        )
        people = {}
        for username, first, last, approver, staff in PEOPLE:
            user, created = users.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_staff = staff
            user.is_superuser = False
            user.save()
            if approver:
                user.user_permissions.add(approve)
                user.user_permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label__in=["taskboard", "chatkit_app"]
                    )
                )
            people[username] = user

        today = timezone.localdate()
        created_count = 0
        for title, description, status, priority, assignee, due_in in TASKS:
            # Titles are not unique: users may have made more tasks with a demo title,
            # so look for any (get_or_create would fail on two), never for one.
            if Task.objects.filter(title=title).exists():
                continue
            Task.objects.create(
                title=title,
                description=description,
                status=status,
                priority=priority,
                assignee=people.get(assignee),
                due_date=None if due_in is None else today + timedelta(days=due_in),
                created_by=people["alice"],
            )
            created_count += 1

        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created_count} new tasks)."))
        if options["accounts"]:
            self.stdout.write("  Sign in as:")
            for line in account_lines():
                self.stdout.write(line)
