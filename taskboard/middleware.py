"""Django's built-in middleware, run on the event loop.

Under ASGI, Django calls each `process_request`, `process_view` and
`process_response` of a `MiddlewareMixin` through `sync_to_async(thread_sensitive=True)`:
with the stack in settings that is thirteen trips per request to the one thread all
synchronous code shares, so concurrent requests queue behind each other there even
when none of them does any I/O. The hooks below do no I/O of their own, so they run
inline on the event loop. The two that can touch the database (saving a changed
session, storing messages in it) still go to the thread, but only when they will.
Should a hook query the database anyway, Django refuses it with
`SynchronousOnlyOperation` rather than blocking the loop.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.middleware import clickjacking, common, csrf, security


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
