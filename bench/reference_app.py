"""The benchmark's reference: the product's own ChatKit server class served the way
OpenAI's ChatKit samples serve theirs, FastAPI + uvicorn with an in-memory store.

    uvicorn bench.reference_app:app      (bench/run.py starts it; not for production)

What differs from the product, on purpose:
- the store is `MemoryStore` (dicts) instead of the ORM store;
- no Django request stack: no sessions, no CSRF, no middleware. The user is named by
  the `X-Bench-User` header (a user id) and looked up in a dict loaded at start-up,
  the way the samples take an identity without authentication.
What stays the same, so the ratio compares like with like: the `ChatKitServer`
subclass, its `respond()` and `action()`, the agents, tools and offline model, and
the task domain (services, selectors, widgets) on the same database as the product,
through Django's ORM. Django is configured from the same environment as the server
under test; only its ORM and app registry are used here.
"""

import json
import os
from contextlib import asynccontextmanager

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")
django.setup()

from asgiref.sync import sync_to_async  # noqa: E402
from chatkit.server import StreamingResult  # noqa: E402
from chatkit.store import NotFoundError  # noqa: E402
from chatkit.types import ThreadMetadata  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse, Response, StreamingResponse  # noqa: E402
from pydantic import TypeAdapter  # noqa: E402

from bench.memory_store import MemoryStore, ThreadState  # noqa: E402
from chatkit_app.context import ChatContext  # noqa: E402
from chatkit_app.server import TaskboardChatServer  # noqa: E402
from chatkit_app.widget_state import item_from_data  # noqa: E402

SEED_ENV = "BENCH_REFERENCE_SEED"
USER_HEADER = "x-bench-user"

store = MemoryStore()
server = TaskboardChatServer(store)  # type: ignore[arg-type]
users: dict[str, object] = {}
THREAD_ADAPTER = TypeAdapter(ThreadMetadata)


def load_state() -> None:
    for person in get_user_model().objects.all():
        users[str(person.pk)] = person
    path = os.environ.get(SEED_ENV)
    if not path:
        return
    with open(path, encoding="utf-8") as seed_file:
        seed = json.load(seed_file)
    for entry in seed["threads"]:
        thread = THREAD_ADAPTER.validate_python(entry["thread"])
        state = ThreadState(owner=entry["owner"], thread=thread)
        for raw in entry["items"]:
            item = item_from_data(raw)
            state.items[item.id] = item
        store.threads[thread.id] = state


@asynccontextmanager
async def lifespan(app: FastAPI):
    await sync_to_async(load_state)()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok", "threads": len(store.threads), "users": len(users)}


@app.post("/chatkit")
async def chatkit_endpoint(request: Request) -> Response:
    user = users.get(request.headers.get(USER_HEADER, ""))
    if user is None:
        return JSONResponse({"error": "Unknown user."}, status_code=401)
    try:
        result = await server.process(await request.body(), ChatContext(user=user))
    except NotFoundError:
        return JSONResponse({"error": "Not found."}, status_code=404)
    if isinstance(result, StreamingResult):
        return StreamingResponse(result, media_type="text/event-stream")
    return Response(content=result.json, media_type="application/json")
