"""Each HTTP request's synchronous work on a thread kept for the next request.

Django's ASGI handler runs every request in a `ThreadSensitiveContext`: its ORM calls
and other `sync_to_async` work go to a thread of its own, so that one request's queries
never wait for another's. Left to itself, asgiref starts that thread for the request
and, when the request ends, starts one more to join it: two thread starts per request,
each waited for on the event loop (about 1 ms of a widget click, and every open
board's broadcast waits behind it).

`RequestThreads` hands each request a single-thread executor that an earlier request
has finished with, as asgiref's `ThreadSensitiveContext(executor=...)` allows. A
request still has its thread to itself while it runs; Django's own context inside
then finds this one and adds nothing. Threads are reused the way a WSGI server reuses
its workers: Django gives back the database connection when each request ends.
"""

from concurrent.futures import ThreadPoolExecutor
from itertools import count

from asgiref.sync import ThreadSensitiveContext

# Threads kept between requests; more are started under a burst and ended after it.
IDLE_THREADS_KEPT = 32


class RequestThreads:
    """ASGI middleware: HTTP requests run their sync work on reused threads."""

    def __init__(self, app, *, keep: int = IDLE_THREADS_KEPT) -> None:
        self.app = app
        self.keep = keep
        self.idle: list[ThreadPoolExecutor] = []
        self.started = count(1)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        executor = self.idle.pop() if self.idle else self._new_executor()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            if len(self.idle) < self.keep:
                self.idle.append(executor)
            else:
                executor.shutdown(wait=False)

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"request-{next(self.started)}")
