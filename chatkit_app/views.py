"""`POST /chatkit`: the ChatKit protocol endpoint.

Signed-in users only (401 otherwise), CSRF header required (403), the body must be
a valid ChatKit request (400 with a message otherwise). Streaming requests answer
`text/event-stream`, the others JSON. A thread that is not the user's answers 404,
exactly like one that does not exist.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from chatkit.store import NotFoundError
from chatkit.types import ChatKitReq, ErrorEvent, is_streaming_req
from django.contrib.auth import get_user
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel, TypeAdapter, ValidationError

from chatkit_app.context import ChatContext
from chatkit_app.store import AttachmentsNotSupported, nul_field, read_ahead
from taskboard.middleware import DATABASE_UNAVAILABLE, database_unavailable

logger = logging.getLogger(__name__)

REQUEST_ADAPTER: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)
UNSUPPORTED_REQUESTS = {
    "attachments.create": "Attachments are not supported in this chat.",
    "attachments.delete": "Attachments are not supported in this chat.",
    "input.transcribe": "Dictation is not supported in this chat.",
}
# The requests a widget's button sends: their `item_id` is the widget.
WIDGET_ACTIONS = {"threads.custom_action", "threads.sync_custom_action"}
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def error(status: int, message: str) -> JsonResponse:
    # An expected refusal: one line (repr() escapes any newline a client put in an id),
    # no traceback; Django adds its own WARNING line.
    logger.info("ChatKit request refused with %s: %r", status, message[:300])
    return JsonResponse({"error": message}, status=status)


def unstorable(parsed: ChatKitReq) -> str | None:
    """Why the request's text cannot be kept or looked up, or None.

    An action's payload is left to its handler, which answers in the chat (a form
    shows the error under its field).
    """
    params = parsed.params.model_dump(exclude={"action": {"payload"}})
    where = nul_field(params, "params")
    if where is None:
        return None
    return f"Invalid ChatKit request: {where}: text must not contain NUL (U+0000) characters."


def describe(validation_error: ValidationError) -> str:
    """A short account of what is wrong with the request, without echoing its content."""
    problems = []
    for problem in validation_error.errors(include_url=False, include_input=False)[:3]:
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        problems.append(f"{where}: {problem['msg']}")
    return "Invalid ChatKit request: " + "; ".join(problems)


def csrf_failed(request: HttpRequest) -> bool:
    # The view is csrf_exempt so that the check runs after authentication and
    # both refusals come back as JSON; the check itself is Django's own.
    check = CsrfViewMiddleware(lambda _: HttpResponse())
    return check.process_view(request, None, (), {}) is not None


def stream_events(
    first: bytes | None, rest: AsyncIterator[bytes], *, what: str
) -> AsyncIterator[bytes]:
    async def events() -> AsyncIterator[bytes]:
        try:
            if first is not None:
                yield first
            async for chunk in rest:
                yield chunk
        except (asyncio.CancelledError, GeneratorExit):
            logger.info("Chat stream closed by the client before the end (%s)", what)
            raise
        except Exception:
            # A failure after the answer began: the client gets an error event it can show.
            logger.exception("Chat stream failed (%s)", what)
            event = ErrorEvent(code="stream.error", allow_retry=True)
            yield b"data: " + event.model_dump_json().encode() + b"\n\n"
        finally:
            await rest.aclose()

    return events()


def one_event(event: ErrorEvent) -> AsyncIterator[bytes]:
    async def events() -> AsyncIterator[bytes]:
        yield b"data: " + event.model_dump_json().encode() + b"\n\n"

    return events()


def database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database cannot be reached: a streaming request gets an error event the chat
    offers to retry, any other a 503 (the same as the rest of the site)."""
    try:
        streaming = is_streaming_req(REQUEST_ADAPTER.validate_json(request.body))
    except (ValidationError, RequestDataTooBig):
        streaming = False
    if not streaming:
        return database_unavailable(request, exc)
    logger.warning("Database unavailable for a chat stream: %s", exc)
    event = ErrorEvent(code="custom", message=DATABASE_UNAVAILABLE, allow_retry=True)
    return StreamingHttpResponse(
        one_event(event), content_type="text/event-stream", headers=SSE_HEADERS
    )


@csrf_exempt
async def chatkit_endpoint(request: HttpRequest) -> HttpResponse:
    try:
        return await answer(request)
    except (OperationalError, InterfaceError) as exc:
        return database_down(request, exc)


def check(request: HttpRequest) -> ChatKitReq | tuple[int, str]:
    """The request, parsed and checked, or the status and message that refuse it."""
    try:
        body = request.body
    except RequestDataTooBig:
        return 413, "The request is too large."
    try:
        parsed = REQUEST_ADAPTER.validate_json(body)
    except ValidationError as invalid:
        return 400, describe(invalid)
    if parsed.type in UNSUPPORTED_REQUESTS:
        return 400, UNSUPPORTED_REQUESTS[parsed.type]
    if (refusal := unstorable(parsed)) is not None:
        return 400, refusal
    user_input = getattr(parsed.params, "input", None)
    if getattr(user_input, "attachments", None):
        return 400, AttachmentsNotSupported.message
    return parsed


def sign_in(request: HttpRequest, parsed: ChatKitReq | None) -> ChatContext | None:
    """The signed-in user's context, or None. In the same trip to the database thread
    (the session, the user), the thread the request names is read for the store, and
    for a widget action the widget whose button was clicked."""
    user = get_user(request)
    if not user.is_authenticated:
        return None
    context = ChatContext(user=user)
    thread_id = getattr(parsed and parsed.params, "thread_id", None)
    if thread_id is not None:
        item_id = parsed.params.item_id if parsed.type in WIDGET_ACTIONS else None
        read_ahead(thread_id, item_id, context)
    return context


async def answer(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = error(405, "Use POST.")
        response["Allow"] = "POST"
        return response
    parsed = check(request)
    context = await sync_to_async(sign_in)(
        request, parsed if isinstance(parsed, BaseModel) else None
    )
    if context is None:
        return error(401, "Sign in to use the chat.")
    if csrf_failed(request):
        return error(403, "CSRF token missing or incorrect.")
    if not isinstance(parsed, BaseModel):
        return error(*parsed)

    # The chat server pulls in the Agents SDK and the model machinery (seconds of
    # imports): load it with the first chat request, not with the URLconf, so that
    # management commands (migrate, seed_demo) never pay for it. Daphne loads it at
    # start-up anyway (taskboard/asgi.py).
    from chatkit.server import StreamingResult

    from chatkit_app.server import get_chat_server

    thread_id = getattr(parsed.params, "thread_id", None)
    what = f"{parsed.type}, thread {thread_id}" if thread_id else parsed.type
    try:
        result = await get_chat_server().process_request(parsed, context)
        if not isinstance(result, StreamingResult):
            return HttpResponse(result.json, content_type="application/json")
        # Run up to the first event before answering, so that a thread or item the
        # user cannot see is a 404 rather than a broken stream.
        rest = aiter(result)
        try:
            first = await anext(rest)
        except StopAsyncIteration:
            first = None
    except NotFoundError:
        return error(404, "Not found.")
    except AttachmentsNotSupported as unsupported:
        return error(400, unsupported.message)
    except ValidationError as invalid:
        return error(400, describe(invalid))
    except (ValueError, NotImplementedError) as refused:
        return error(400, str(refused) or "This request cannot be processed.")

    return StreamingHttpResponse(
        stream_events(first, rest, what=what),
        content_type="text/event-stream",
        headers=SSE_HEADERS,
    )
