"""Chat threads, their items and feedback.

Each row keeps ChatKit's own pydantic JSON in `data`; the other columns exist so
the store can filter by owner and page by keyset (`created_at`, `id`).
"""

from django.conf import settings
from django.db import models


class ChatThread(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_threads"
    )
    title = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    data = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "created_at", "id"], name="chat_thread_owner_page"),
        ]
        verbose_name = "chat thread"

    def __str__(self) -> str:
        return self.title or self.id


class ChatItem(models.Model):
    # The surrogate key breaks ties between items created in the same instant and
    # keeps insertion order; ChatKit's own id lives in `item_id`.
    id = models.BigAutoField(primary_key=True)
    thread = models.ForeignKey(ChatThread, on_delete=models.CASCADE, related_name="items")
    item_id = models.CharField(max_length=128)
    type = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    data = models.JSONField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "item_id"], name="chat_item_unique_in_thread"
            ),
        ]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="chat_item_thread_page"),
        ]
        verbose_name = "chat item"

    def __str__(self) -> str:
        return f"{self.type} {self.item_id}"


class ChatFeedback(models.Model):
    class Kind(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"

    thread = models.ForeignKey(ChatThread, on_delete=models.CASCADE, related_name="feedback")
    item = models.ForeignKey(ChatItem, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_feedback"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="chat_feedback_once_per_item"),
        ]
        verbose_name = "chat feedback"
        verbose_name_plural = "chat feedback"

    def __str__(self) -> str:
        return f"{self.kind} on {self.item.item_id}"
