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
from chatkit.server import StreamingResult
from chatkit.store import NotFoundError
from chatkit.types import ChatKitReq, ErrorEvent
from django.contrib.auth import get_user
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from pydantic import TypeAdapter, ValidationError

from chatkit_app.context import ChatContext
from chatkit_app.server import get_chat_server
from chatkit_app.store import AttachmentsNotSupported

logger = logging.getLogger(__name__)

REQUEST_ADAPTER: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)
UNSUPPORTED_REQUESTS = {
    "attachments.create": "Attachments are not supported in this chat.",
    "attachments.delete": "Attachments are not supported in this chat.",
    "input.transcribe": "Dictation is not supported in this chat.",
    "threads.sync_custom_action": "Synchronous actions are not supported in this chat.",
}
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


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
            # chatkit has already logged it; the client gets an error event it can show.
            event = ErrorEvent(code="stream.error", allow_retry=True)
            yield b"data: " + event.model_dump_json().encode() + b"\n\n"
        finally:
            await rest.aclose()

    return events()


@csrf_exempt
async def chatkit_endpoint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = error(405, "Use POST.")
        response["Allow"] = "POST"
        return response
    # Session and user in one trip to the ORM's thread; request.auser() takes two.
    user = await sync_to_async(get_user)(request)
    if not user.is_authenticated:
        return error(401, "Sign in to use the chat.")
    if csrf_failed(request):
        return error(403, "CSRF token missing or incorrect.")
    try:
        body = request.body
    except RequestDataTooBig:
        return error(413, "The request is too large.")

    try:
        parsed = REQUEST_ADAPTER.validate_json(body)
    except ValidationError as invalid:
        return error(400, describe(invalid))
    if parsed.type in UNSUPPORTED_REQUESTS:
        return error(400, UNSUPPORTED_REQUESTS[parsed.type])
    user_input = getattr(parsed.params, "input", None)
    if getattr(user_input, "attachments", None):
        return error(400, AttachmentsNotSupported.message)

    context = ChatContext(user=user)
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
