import asyncio
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

HEALTHZ_GROUP = "healthz"
CHECK_TIMEOUT = 5  # seconds


@login_required
@ensure_csrf_cookie
def index(request: HttpRequest) -> HttpResponse:
    manifest = settings.DJANGO_VITE["default"]["manifest_path"]
    return render(
        request,
        "taskboard/index.html",
        {
            "frontend_built": manifest.exists(),
            "chatkit_domain_key": settings.CHATKIT_DOMAIN_KEY,
            "chatkit_ui": settings.CHATKIT_UI,
        },
    )


def _database_ok() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


async def _channel_layer_ok() -> bool:
    # A broadcast to a group nobody is in: it goes through to Redis (a PUBLISH with
    # the Pub/Sub layer) and leaves nothing behind, where a channel made here would
    # stay subscribed for the life of the process, one per health check.
    layer = get_channel_layer()
    await asyncio.wait_for(layer.group_send(HEALTHZ_GROUP, {"type": "healthz"}), CHECK_TIMEOUT)
    return True


@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    checks = {}
    for name, check in (
        ("database", sync_to_async(_database_ok)),
        ("channel_layer", _channel_layer_ok),
    ):
        try:
            checks[name] = "ok" if await check() else "failing"
        except Exception as exc:
            logger.warning("healthz: %s check failed: %s", name, exc)
            checks[name] = "failing"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503
    )
