"""Django's built-in middleware, run on the event loop.

Under ASGI, Django calls each `process_request`, `process_view` and
`process_response` of a `MiddlewareMixin` through `sync_to_async(thread_sensitive=True)`:
with the stack in settings that is thirteen trips per request from the event loop to
the request's sync thread and back, each a hand-off between threads (and a wait for
the GIL) even when the hook does no I/O. The hooks below do no I/O of their own, so they run
inline on the event loop. The two that can touch the database (saving a changed
session, storing messages in it) still go to the thread, but only when they will.
Should a hook query the database anyway, Django refuses it with
`SynchronousOnlyOperation` rather than blocking the loop.
"""

import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware import clickjacking, common, csrf, security
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "The database is unavailable just now. Try again in a moment."
RETRY_AFTER_SECONDS = 5


class OnEventLoop:
    """`MiddlewareMixin.__acall__` without the thread: the hooks run inline."""

    def response_needs_thread(self, request) -> bool:
        return False

    async def __acall__(self, request):
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            if self.response_needs_thread(request):
                return await sync_to_async(self.process_response)(request, response)
            response = self.process_response(request, response)
        return response


class EventLoopSecurityMiddleware(OnEventLoop, security.SecurityMiddleware):
    pass


class EventLoopSessionMiddleware(OnEventLoop, sessions.SessionMiddleware):
    def response_needs_thread(self, request) -> bool:
        # Only a changed session (or SESSION_SAVE_EVERY_REQUEST) is written.
        session = getattr(request, "session", None)
        return session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST)


class EventLoopCommonMiddleware(OnEventLoop, common.CommonMiddleware):
    pass


class EventLoopCsrfViewMiddleware(OnEventLoop, csrf.CsrfViewMiddleware):
    async def process_view(self, request, callback, callback_args, callback_kwargs):
        # Reads cookies, headers and the body Django has already received.
        return super().process_view(request, callback, callback_args, callback_kwargs)


class EventLoopAuthenticationMiddleware(OnEventLoop, auth.AuthenticationMiddleware):
    pass  # sets a lazy request.user and request.auser(); neither is loaded here


class EventLoopMessageMiddleware(OnEventLoop, messages.MessageMiddleware):
    def response_needs_thread(self, request) -> bool:
        # Messages that were read or added may be stored in (and read from) the session.
        storage = getattr(request, "_messages", None)
        return storage is not None and (storage.used or storage.added_new)


class EventLoopXFrameOptionsMiddleware(OnEventLoop, clickjacking.XFrameOptionsMiddleware):
    pass


def database_unavailable(request, exception: Exception) -> HttpResponse:
    """503 in the form the caller reads: JSON for the API and the chat, text for pages."""
    logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
    elif request.path.startswith("/chatkit"):
        response = JsonResponse({"error": DATABASE_UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(DATABASE_UNAVAILABLE, status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware(OnEventLoop, MiddlewareMixin):
    """A view that cannot reach the database answers 503, not 500.

    Every write is one transaction, so a request cut off this way changed nothing;
    the connection pool replaces the broken connections once the server is back.
    """

    async def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception)
        return None
