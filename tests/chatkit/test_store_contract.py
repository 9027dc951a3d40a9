"""The ChatKit `Store` contract, run against every store the app ships.

Written against the abstract interface only; the `store` fixture lists the
implementations. It runs on whichever database the suite is configured with.
"""

from datetime import UTC, datetime, timedelta

import pytest
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    FileAttachment,
    ThreadMetadata,
)

from chatkit_app.models import ChatFeedback
from chatkit_app.store import AttachmentsNotSupported, DjangoStore

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=[DjangoStore], ids=lambda cls: cls.__name__)
def store(request) -> Store:
    return request.param()


def thread(n: int, *, at: datetime | None = None, title: str | None = None) -> ThreadMetadata:
    return ThreadMetadata(
        id=f"thr_{n:04d}", created_at=at or START + timedelta(minutes=n), title=title
    )


def message(
    thread_id: str, n: int, *, at: datetime | None = None, text: str = ""
) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=f"msg_{n:04d}",
        thread_id=thread_id,
        created_at=at or START + timedelta(seconds=n),
        content=[AssistantMessageContent(text=text or f"message {n}")],
    )


async def all_pages(load, *, limit: int) -> tuple[list[str], list[bool]]:
    """Walk every page through `after` cursors: ids in order, has_more per page."""
    ids, flags, after = [], [], None
    while True:
        page = await load(after=after, limit=limit)
        ids += [entry.id for entry in page.data]
        flags.append(page.has_more)
        if not page.has_more:
            return ids, flags
        assert page.after == page.data[-1].id
        after = page.after


# Threads


async def test_saved_thread_loads_back_with_aware_timestamp(store, context):
    await store.save_thread(thread(1, title="Plans", at=START), context)

    loaded = await store.load_thread("thr_0001", context)

    assert loaded.title == "Plans"
    assert loaded.created_at == START
    assert loaded.created_at.tzinfo is not None


async def test_naive_timestamps_are_read_as_local_time(store, context):
    naive = datetime(2025, 3, 1, 12, 30)
    await store.save_thread(thread(1, at=naive), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 1, at=naive), context)

    loaded = await store.load_thread("thr_0001", context)
    item = await store.load_item("thr_0001", "msg_0001", context)

    assert loaded.created_at == naive.astimezone()
    assert item.created_at == naive.astimezone()


async def test_saving_a_thread_again_updates_it(store, context):
    await store.save_thread(thread(1, title="Old"), context)
    await store.save_thread(thread(1, title="New"), context)

    page = await store.load_threads(10, None, "desc", context)

    assert [(entry.id, entry.title) for entry in page.data] == [("thr_0001", "New")]


async def test_loading_a_missing_thread_raises_not_found(store, context):
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_missing", context)


async def test_threads_page_newest_first_by_default_order(store, context):
    for n in range(1, 8):
        await store.save_thread(thread(n), context)

    first = await store.load_threads(3, None, "desc", context)
    second = await store.load_threads(3, first.after, "desc", context)
    last = await store.load_threads(3, second.after, "desc", context)

    assert [t.id for t in first.data] == ["thr_0007", "thr_0006", "thr_0005"]
    assert (first.has_more, first.after) == (True, "thr_0005")
    assert [t.id for t in second.data] == ["thr_0004", "thr_0003", "thr_0002"]
    assert [t.id for t in last.data] == ["thr_0001"]
    assert (last.has_more, last.after) == (False, None)


async def test_threads_page_oldest_first_in_asc_order(store, context):
    for n in (3, 1, 2):
        await store.save_thread(thread(n), context)

    ids, flags = await all_pages(
        lambda after, limit: store.load_threads(limit, after, "asc", context), limit=2
    )

    assert ids == ["thr_0001", "thr_0002", "thr_0003"]
    assert flags == [True, False]


async def test_exact_page_size_has_no_more(store, context):
    for n in range(1, 5):
        await store.save_thread(thread(n), context)

    page = await store.load_threads(4, None, "desc", context)

    assert len(page.data) == 4
    assert page.has_more is False
    assert page.after is None


async def test_threads_created_in_the_same_instant_page_without_gaps_or_repeats(store, context):
    for n in range(1, 10):
        await store.save_thread(thread(n, at=START), context)

    for order in ("asc", "desc"):
        ids, _ = await all_pages(
            lambda after, limit, order=order: store.load_threads(limit, after, order, context),
            limit=2,
        )
        assert sorted(ids) == [f"thr_{n:04d}" for n in range(1, 10)]
        assert len(set(ids)) == 9


async def test_unknown_thread_cursor_raises_not_found(store, context):
    await store.save_thread(thread(1), context)

    with pytest.raises(NotFoundError):
        await store.load_threads(10, "thr_missing", "desc", context)


async def test_deleting_a_thread_removes_its_items_and_feedback(store, context):
    await store.save_thread(thread(1), context)
    await store.save_thread(thread(2), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 1), context)
    await store.add_thread_item("thr_0002", message("thr_0002", 2), context)
    await store.save_feedback("thr_0001", ["msg_0001"], "positive", context)

    await store.delete_thread("thr_0001", context)

    with pytest.raises(NotFoundError):
        await store.load_thread("thr_0001", context)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_0001", "msg_0001", context)
    assert await ChatFeedback.objects.acount() == 0
    assert (await store.load_item("thr_0002", "msg_0002", context)).id == "msg_0002"


# Items


async def test_items_page_in_both_orders_with_cursors(store, context):
    await store.save_thread(thread(1), context)
    for n in range(1, 8):
        await store.add_thread_item("thr_0001", message("thr_0001", n), context)

    asc = await store.load_thread_items("thr_0001", None, 3, "asc", context)
    asc_next = await store.load_thread_items("thr_0001", asc.after, 3, "asc", context)
    desc = await store.load_thread_items("thr_0001", None, 3, "desc", context)
    desc_next = await store.load_thread_items("thr_0001", desc.after, 10, "desc", context)

    assert [i.id for i in asc.data] == ["msg_0001", "msg_0002", "msg_0003"]
    assert (asc.has_more, asc.after) == (True, "msg_0003")
    assert [i.id for i in asc_next.data] == ["msg_0004", "msg_0005", "msg_0006"]
    assert asc_next.has_more is True
    assert [i.id for i in desc.data] == ["msg_0007", "msg_0006", "msg_0005"]
    assert [i.id for i in desc_next.data] == ["msg_0004", "msg_0003", "msg_0002", "msg_0001"]
    assert (desc_next.has_more, desc_next.after) == (False, None)


async def test_items_of_the_same_instant_keep_insertion_order(store, context):
    await store.save_thread(thread(1), context)
    for n in (5, 2, 9, 1):
        await store.add_thread_item("thr_0001", message("thr_0001", n, at=START), context)

    ids, _ = await all_pages(
        lambda after, limit: store.load_thread_items("thr_0001", after, limit, "asc", context),
        limit=3,
    )
    desc, _ = await all_pages(
        lambda after, limit: store.load_thread_items("thr_0001", after, limit, "desc", context),
        limit=3,
    )

    assert ids == ["msg_0005", "msg_0002", "msg_0009", "msg_0001"]
    assert desc == list(reversed(ids))


async def test_items_keep_their_chatkit_content(store, context):
    await store.save_thread(thread(1), context)
    original = message("thr_0001", 1, text='Quotes " and <tags> & ünïcode')
    await store.add_thread_item("thr_0001", original, context)

    loaded = await store.load_item("thr_0001", "msg_0001", context)

    assert isinstance(loaded, AssistantMessageItem)
    assert loaded.model_dump(exclude={"created_at"}) == original.model_dump(exclude={"created_at"})


async def test_save_item_replaces_in_place_and_add_appends(store, context):
    await store.save_thread(thread(1), context)
    for n in (1, 2, 3):
        await store.add_thread_item("thr_0001", message("thr_0001", n), context)

    await store.save_item("thr_0001", message("thr_0001", 1, text="edited"), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 4), context)
    page = await store.load_thread_items("thr_0001", None, 10, "asc", context)

    assert [i.id for i in page.data] == ["msg_0001", "msg_0002", "msg_0003", "msg_0004"]
    assert page.data[0].content[0].text == "edited"


async def test_save_item_of_a_new_id_adds_it(store, context):
    await store.save_thread(thread(1), context)

    await store.save_item("thr_0001", message("thr_0001", 1), context)

    assert (await store.load_item("thr_0001", "msg_0001", context)).id == "msg_0001"


async def test_adding_the_same_item_twice_keeps_one_copy(store, context):
    await store.save_thread(thread(1), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 1), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 2), context)

    await store.add_thread_item("thr_0001", message("thr_0001", 1, text="again"), context)
    page = await store.load_thread_items("thr_0001", None, 10, "asc", context)

    assert [i.id for i in page.data] == ["msg_0001", "msg_0002"]
    assert page.data[0].content[0].text == "again"


async def test_loading_a_missing_item_raises_not_found(store, context):
    await store.save_thread(thread(1), context)
    await store.save_thread(thread(2), context)
    await store.add_thread_item("thr_0002", message("thr_0002", 1), context)

    with pytest.raises(NotFoundError):
        await store.load_item("thr_0001", "msg_missing", context)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_0001", "msg_0001", context)


async def test_unknown_item_cursor_raises_not_found(store, context):
    await store.save_thread(thread(1), context)

    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_0001", "msg_missing", 10, "asc", context)


async def test_items_of_a_missing_thread_raise_not_found(store, context):
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_missing", None, 10, "asc", context)
    with pytest.raises(NotFoundError):
        await store.add_thread_item("thr_missing", message("thr_missing", 1), context)


async def test_deleting_an_item_removes_only_that_item(store, context):
    await store.save_thread(thread(1), context)
    for n in (1, 2, 3):
        await store.add_thread_item("thr_0001", message("thr_0001", n), context)

    await store.delete_thread_item("thr_0001", "msg_0002", context)
    page = await store.load_thread_items("thr_0001", None, 10, "asc", context)

    assert [i.id for i in page.data] == ["msg_0001", "msg_0003"]


# Isolation between users


@pytest.fixture
async def alices_thread(store, context):
    await store.save_thread(thread(1, title="Private"), context)
    await store.add_thread_item("thr_0001", message("thr_0001", 1, text="secret"), context)
    return "thr_0001"


async def test_another_user_cannot_list_or_load_the_thread(store, alices_thread, other_context):
    page = await store.load_threads(10, None, "desc", other_context)

    assert page.data == []
    with pytest.raises(NotFoundError):
        await store.load_thread(alices_thread, other_context)
    with pytest.raises(NotFoundError):
        await store.load_thread_items(alices_thread, None, 10, "asc", other_context)
    with pytest.raises(NotFoundError):
        await store.load_item(alices_thread, "msg_0001", other_context)
    with pytest.raises(NotFoundError):
        await store.load_threads(10, alices_thread, "desc", other_context)


async def test_another_user_cannot_continue_or_overwrite_the_thread(
    store, alices_thread, context, other_context
):
    with pytest.raises(NotFoundError):
        await store.add_thread_item(alices_thread, message(alices_thread, 2), other_context)
    with pytest.raises(NotFoundError):
        await store.save_item(alices_thread, message(alices_thread, 1, text="x"), other_context)
    with pytest.raises(NotFoundError):
        await store.save_thread(thread(1, title="Taken"), other_context)
    with pytest.raises(NotFoundError):
        await store.save_feedback(alices_thread, ["msg_0001"], "negative", other_context)

    assert (await store.load_thread(alices_thread, context)).title == "Private"
    page = await store.load_thread_items(alices_thread, None, 10, "asc", context)
    assert [(i.id, i.content[0].text) for i in page.data] == [("msg_0001", "secret")]
    assert await ChatFeedback.objects.acount() == 0


async def test_another_user_cannot_delete_the_thread_or_its_items(
    store, alices_thread, context, other_context
):
    with pytest.raises(NotFoundError):
        await store.delete_thread_item(alices_thread, "msg_0001", other_context)
    with pytest.raises(NotFoundError):
        await store.delete_thread(alices_thread, other_context)

    assert (await store.load_item(alices_thread, "msg_0001", context)).id == "msg_0001"


# Attachments are not offered


async def test_attachment_calls_answer_with_a_clear_error(store, context):
    attachment = FileAttachment(id="atc_1", name="a.txt", mime_type="text/plain")

    with pytest.raises(AttachmentsNotSupported, match="Attachments are not supported"):
        await store.save_attachment(attachment, context)
    with pytest.raises(AttachmentsNotSupported):
        await store.load_attachment("atc_1", context)
    with pytest.raises(AttachmentsNotSupported):
        await store.delete_attachment("atc_1", context)
