"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import gc
import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")
# Build the Django app before importing anything that touches models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

import taskboard.urls  # noqa: E402, F401 - the views, loaded now
from taskboard.request_threads import RequestThreads  # noqa: E402
from taskboard.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestThreads(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)


def _load_chat_server() -> None:
    """Load and build the chat server, its agents and model client, then freeze the heap.

    Importing the Agents SDK and the OpenAI client takes seconds, and building the
    server (the SDK's trace exporter makes an HTTP client with its TLS context) tens
    of milliseconds; done beside serving, the app answers at once and the first chat
    request does not hold up the event loop, and every board with it.

    Everything loaded by then (modules, models, schemas) lives as long as the process.
    Freezing it takes it out of the garbage collector's full passes, which otherwise
    re-scan the whole start-up heap (a task.start action spent 2.0 ms per request in
    the collector before, 0.6 ms after).
    """
    from chatkit_app.server import get_chat_server

    get_chat_server()
    gc.freeze()


chat_server_loading = threading.Thread(
    target=_load_chat_server, name="load-chat-server", daemon=True
)
chat_server_loading.start()
