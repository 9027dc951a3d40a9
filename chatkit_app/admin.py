"""Chat threads, their items and the users' feedback, read-only: the chat writes them."""

import json

from django.contrib import admin
from django.utils.html import format_html

from chatkit_app.models import ChatFeedback, ChatItem, ChatThread
from taskboard.admin import NulSafeAdmin
from taskboard.people import user_display_name

# Characters of an item's text in the items list: enough to recognise it, short enough
# that the list fits a laptop screen next to the admin's sidebars.
LIST_TEXT_LENGTH = 80


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
    list_display = ("__str__", "owner_name", "created_at", "updated_at", "item_count")
    list_filter = ("created_at",)
    search_fields = ("id", "title", "owner__username")
    readonly_fields = ("id", "owner", "title", "created_at", "updated_at")
    exclude = ("data",)
    inlines = [ChatItemInline]
    list_select_related = ("owner",)

    @admin.display(description="items")
    def item_count(self, thread: ChatThread) -> int:
        return thread.items.count()

    @admin.display(description="owner", ordering="owner__first_name")
    def owner_name(self, thread: ChatThread) -> str:
        return user_display_name(thread.owner)


@admin.register(ChatItem)
class ChatItemAdmin(ReadOnlyAdmin):
    # The text, not the long item id, leads: ids stay searchable and on the item's page.
    list_display = ("list_text", "type", "thread_title", "owner_name", "created_at")
    list_filter = ("type",)
    search_fields = ("item_id", "thread__id")
    readonly_fields = ("thread", "item_id", "type", "created_at", "content", "stored_json")
    exclude = ("data",)
    list_select_related = ("thread", "thread__owner")

    @admin.display(description="content")
    def list_text(self, item: ChatItem) -> str:
        return shorten(item_summary(item), LIST_TEXT_LENGTH) or item.item_id

    @admin.display(description="thread", ordering="thread__title")
    def thread_title(self, item: ChatItem) -> str:
        return shorten(str(item.thread), 40)

    @admin.display(description="owner", ordering="thread__owner__first_name")
    def owner_name(self, item: ChatItem) -> str:
        return user_display_name(item.thread.owner)

    @admin.display(description="content")
    def content(self, item: ChatItem) -> str:
        return item_summary(item)

    @admin.display(description="ChatKit JSON")
    def stored_json(self, item: ChatItem) -> str:
        return pretty_json(item.data)


@admin.register(ChatFeedback)
class ChatFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("kind", "user_name", "thread", "item_text", "updated_at")
    list_filter = ("kind",)
    search_fields = ("thread__id", "item__item_id", "user__username")
    readonly_fields = ("kind", "user", "thread", "item", "item_text", "created_at", "updated_at")
    list_select_related = ("user", "thread", "item")

    @admin.display(description="answer")
    def item_text(self, feedback: ChatFeedback) -> str:
        return item_summary(feedback.item)

    @admin.display(description="user", ordering="user__first_name")
    def user_name(self, feedback: ChatFeedback) -> str:
        return user_display_name(feedback.user)
