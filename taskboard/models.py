from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models


def validate_clean_text(value: str) -> None:
    """Refuse text that no database can store faithfully or that only hides content.

    NUL and other C0 control characters (tab and newlines aside) and lone
    surrogates from a JSON body would either fail on PostgreSQL or be mangled.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError("Text must be valid Unicode (no lone surrogates).") from exc
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError("Text must not contain control characters.")


def validate_not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("This field cannot be blank.")


class Task(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", "To do"
        IN_PROGRESS = "in_progress", "In progress"
        REVIEW = "review", "Review"
        DONE = "done", "Done"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    title = models.CharField(
        max_length=200,
        validators=[MinLengthValidator(1), validate_not_blank, validate_clean_text],
    )
    # TextField's max_length only sizes form widgets; the validator enforces it.
    description = models.TextField(
        max_length=5000, blank=True, validators=[MaxLengthValidator(5000), validate_clean_text]
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.TODO)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_tasks",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["status", "-updated_at"])]
        permissions = [("approve_task", "Can approve, reject and reopen tasks")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class TaskEvent(models.Model):
    class Source(models.TextChoices):
        CHAT = "chat", "Chat"
        API = "api", "API"
        ADMIN = "admin", "Admin"
        WIDGET = "widget", "Widget"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Task.Status.choices)
    to_status = models.CharField(max_length=16, choices=Task.Status.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.task_id}: {self.from_status} → {self.to_status} ({self.source})"
