"""Chat threads, their items and the users' feedback, read-only: the chat writes them."""

import json

from django.contrib import admin
from django.utils.html import format_html

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from taskboard.admin import NulSafeAdmin


def pretty_json(data) -> str:
    return format_html("<pre style='white-space: pre-wrap'>{}</pre>", json.dumps(data, indent=2))


class ReadOnlyAdmin(NulSafeAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ChatItemInline(admin.TabularInline):
    model = ChatItem
    fields = ("created_at", "type", "item_id", "summary")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="content")
    def summary(self, item: ChatItem) -> str:
        return item_summary(item)


def item_summary(item: ChatItem) -> str:
    data = item.data or {}
    texts = [part.get("text", "") for part in data.get("content") or [] if isinstance(part, dict)]
    if isinstance(data.get("content"), str):
        texts = [data["content"]]
    text = " ".join(" ".join(texts).split())
    if not text and item.type == "widget":
        text = data.get("copy_text") or "(widget)"
    return text[:200]


@admin.register(ChatThread)
class ChatThreadAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "owner", "created_at", "updated_at", "item_count")
    list_filter = ("created_at",)
    search_fields = ("id", "title", "owner__username")
    readonly_fields = ("id", "owner", "title", "created_at", "updated_at")
    exclude = ("data",)
    inlines = [ChatItemInline]
    list_select_related = ("owner",)

    @admin.display(description="items")
    def item_count(self, thread: ChatThread) -> int:
        return thread.items.count()


@admin.register(ChatItem)
class ChatItemAdmin(ReadOnlyAdmin):
    list_display = ("item_id", "type", "thread", "created_at")
    list_filter = ("type",)
    search_fields = ("item_id", "thread__id")
    readonly_fields = ("thread", "item_id", "type", "created_at", "content", "stored_json")
    exclude = ("data",)
    list_select_related = ("thread",)

    @admin.display(description="content")
    def content(self, item: ChatItem) -> str:
        return item_summary(item)

    @admin.display(description="ChatKit JSON")
    def stored_json(self, item: ChatItem) -> str:
        return pretty_json(item.data)


@admin.register(ChatFeedback)
class ChatFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("kind", "user", "thread", "item_text", "updated_at")
    list_filter = ("kind",)
    search_fields = ("thread__id", "item__item_id", "user__username")
    readonly_fields = ("kind", "user", "thread", "item", "item_text", "created_at", "updated_at")
    list_select_related = ("user", "thread", "item")

    @admin.display(description="answer")
    def item_text(self, feedback: ChatFeedback) -> str:
        return item_summary(feedback.item)
