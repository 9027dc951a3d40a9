"""The JSON API under /api/, with its OpenAPI schema at /api/openapi.json and docs at /api/docs."""

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from taskboard import selectors, services
from taskboard.middleware import database_unavailable
from taskboard.models import Task, TaskEvent
from taskboard.people import user_display_name
from taskboard.schemas import (
    INT64_MAX,
    ErrorOut,
    Id,
    MeOut,
    TaskCreateIn,
    TaskOut,
    TaskUpdateIn,
    Text,
    TransitionIn,
    ValidationErrorOut,
)
from taskboard.transitions import transitions_for_user, user_can_approve

CLIENT_ERRORS = {
    400: "The body is not valid JSON.",
    401: "Not signed in.",
    403: "The CSRF token is missing or wrong, or the user may not do this.",
    404: "No such task (or entity).",
    409: "The task is not in a status this transition starts from.",
    422: "A parameter or field is invalid; each one is named.",
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def document_client_errors(schema: dict) -> None:
    """Add to each operation the 4xx answers it really gives, with their bodies."""
    error = {"application/json": {"schema": ErrorOut.model_json_schema()}}
    invalid = {"application/json": {"schema": ValidationErrorOut.model_json_schema()}}
    for path in schema["paths"].values():
        for method, operation in path.items():
            codes = {401}
            if method in UNSAFE_METHODS:
                codes.add(403)
            if "requestBody" in operation:
                codes |= {400, 422}
            if operation.get("parameters"):
                codes.add(422)
            if any(p["in"] == "path" for p in operation.get("parameters", [])):
                codes.add(404)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                # django-ninja keys the answers it knows by int: one key per code in JSON.
                if code in responses or str(code) in responses:
                    continue
                responses.setdefault(
                    str(code),
                    {
                        "description": CLIENT_ERRORS[code],
                        "content": invalid if code == 422 else error,
                    },
                )


class TaskboardAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        document_client_errors(schema)
        return schema


api = TaskboardAPI(
    title="Taskboard API",
    version="1.0.0",
    auth=django_auth,
    urls_namespace="api",
)
tasks_router = Router(tags=["tasks"])


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = [
        {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
        for field, messages in errors.items()
        for message in messages
    ]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unreachable(request: HttpRequest, exc: Exception):
    # The same 503 as the rest of the site, also with DEBUG on (where django-ninja would
    # answer an unhandled exception with a 500 and its traceback).
    return database_unavailable(request, exc)


@api.exception_handler(services.TaskNotFound)
def task_not_found(request: HttpRequest, exc: services.TaskError):
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(services.TransitionNotPermitted)
def transition_not_permitted(request: HttpRequest, exc: services.TaskError):
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(services.TransitionNotAllowed)
def transition_not_allowed(request: HttpRequest, exc: services.TaskError):
    return api.create_response(request, {"detail": exc.message}, status=409)


class TaskFilters(Schema):
    status: Task.Status | None = None
    priority: Task.Priority | None = None
    assignee: Id | None = None
    q: Text | None = None


class TaskPagination(LimitOffsetPagination):
    """ninja's limit/offset, bounded to what a database integer holds."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=INT64_MAX)
        offset: int = Field(0, ge=0, le=INT64_MAX)


@api.get("/me", response=MeOut, tags=["people"])
def me(request: HttpRequest):
    """The signed-in user; also sets the CSRF cookie the frontend echoes on writes."""
    get_token(request)
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user_display_name(user),
        "can_approve": user_can_approve(user),
        "transitions": [t.__dict__ for t in transitions_for_user(user)],
    }


@tasks_router.get("", response=list[TaskOut])
@paginate(TaskPagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    return selectors.task_list(
        status=filters.status,
        priority=filters.priority,
        assignee_id=filters.assignee,
        search=filters.q,
    )


@tasks_router.post("", response={201: TaskOut})
def create_task(request: HttpRequest, payload: TaskCreateIn):
    task = services.task_create(actor=request.user, **payload.dict())
    return Status(201, task)


@tasks_router.get("/{task_id}", response={200: TaskOut, 404: ErrorOut})
def get_task(request: HttpRequest, task_id: int):
    task = selectors.task_get(task_id=task_id)
    if task is None:
        raise services.TaskNotFound(f"Task #{task_id} does not exist.")
    return task


@tasks_router.patch("/{task_id}", response={200: TaskOut, 404: ErrorOut})
def update_task(request: HttpRequest, task_id: int, payload: TaskUpdateIn):
    changes = payload.dict(exclude_unset=True)
    return services.task_update(task_id=task_id, actor=request.user, **changes)


@tasks_router.post(
    "/{task_id}/transitions",
    response={200: TaskOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def transition_task(request: HttpRequest, task_id: int, payload: TransitionIn):
    return services.task_transition(
        task_id=task_id,
        action=payload.action.value,
        actor=request.user,
        source=TaskEvent.Source.API,
    )


api.add_router("/tasks", tasks_router)
