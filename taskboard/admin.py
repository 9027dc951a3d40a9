from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from taskboard import services
from taskboard.models import Task, TaskEvent
from taskboard.schemas import user_display_name
from taskboard.transitions import TRANSITIONS


def count_tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def person(user) -> str:
    """A person as the board names them: full name, else username."""
    return user_display_name(user) if user else "—"


class AssigneeFilter(admin.SimpleListFilter):
    """Filter by assignee, listed by full name as on the board."""

    title = "assignee"
    parameter_name = "assignee__id__exact"

    def lookups(self, request, model_admin):
        people = get_user_model().objects.filter(assigned_tasks__isnull=False).distinct()
        named = sorted(((user.pk, user_display_name(user)) for user in people), key=lambda p: p[1])
        return [(str(pk), name) for pk, name in named]

    def queryset(self, request, queryset):
        return queryset.filter(assignee_id=self.value()) if self.value() else queryset


def _transition_action(action: str, label: str):
    def run(modeladmin: "TaskAdmin", request: HttpRequest, queryset: QuerySet[Task]) -> None:
        done = 0
        for task_id in queryset.values_list("pk", flat=True):
            try:
                services.task_transition(
                    task_id=task_id,
                    action=action,
                    actor=request.user,
                    source=TaskEvent.Source.ADMIN,
                )
                done += 1
            except services.TaskError as exc:
                modeladmin.message_user(request, exc.message, level=messages.WARNING)
        if done:
            modeladmin.message_user(request, f"{label}: {count_tasks(done)} updated.")

    run.__name__ = f"transition_{action}"
    return admin.action(description=f"{label} selected tasks")(run)


class NulSafeAdmin(admin.ModelAdmin):
    """Filters and ids holding NUL, which PostgreSQL cannot compare, find nothing.

    The list answers as for any invalid filter, the change page as for a missing object,
    on SQLite as on PostgreSQL.
    """

    def get_changelist_instance(self, request: HttpRequest):
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters("NUL in a filter")
        return super().get_changelist_instance(request)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        if "\x00" in object_id:
            return None
        return super().get_object(request, object_id, from_field)


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    can_delete = False
    readonly_fields = ("actor", "from_status", "to_status", "source", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(NulSafeAdmin):
    list_display = (
        "id",
        "title",
        "status",
        "priority",
        "assignee_name",
        "due_date",
        "updated_at",
    )
    list_filter = ("status", "priority", AssigneeFilter)
    search_fields = ("title", "description")
    list_select_related = ("assignee",)
    readonly_fields = ("status", "created_by", "created_at", "updated_at")
    inlines = [TaskEventInline]
    actions = [_transition_action(t.action, t.label) for t in TRANSITIONS.values()]

    @admin.display(description="assignee", ordering="assignee__first_name")
    def assignee_name(self, task: Task) -> str:
        return person(task.assignee)

    def save_model(self, request, obj: Task, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TaskEvent)
class TaskEventAdmin(NulSafeAdmin):
    list_display = ("task", "from_status", "to_status", "source", "actor_name", "created_at")
    list_filter = ("source", "to_status")
    search_fields = ("task__title",)
    list_select_related = ("task", "actor")

    @admin.display(description="actor", ordering="actor__first_name")
    def actor_name(self, event: TaskEvent) -> str:
        return person(event.actor)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
