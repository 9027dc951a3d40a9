"""A scripted stand-in for the OpenAI API, for tests. It is no model.

It serves `POST /v1/chat/completions` and `POST /v1/responses` on a free 127.0.0.1
port (Starlette under uvicorn, in a thread of the test process), streaming the way
the real services do:

- Chat Completions: a role chunk, text deltas or tool-call deltas split across
  chunks, the `finish_reason` chunk, the usage chunk when
  `stream_options.include_usage` is asked, then `data: [DONE]`.
- Responses: `response.created`, `response.in_progress`, then per output item
  `output_item.added`, `content_part.added`, `output_text.delta`…,
  `output_text.done`, `content_part.done`, `output_item.done` (or
  `function_call_arguments.delta`…/`.done` for a call), and `response.completed`.
  Events are built with the `openai` package's own types, so their shapes are the
  ones the client parses.

Each test scripts what to answer: `standin.script(Text("hi"), ToolCall("list_tasks",
{"status": "review"}), Fail(500), …)` queues one answer per model request, or
`standin.answer_with(fn)` answers with `fn(request_json)`. Every request received
(any method, any path, including requests sent to it as an HTTP proxy) is recorded
in `standin.requests`, so tests assert the history the app sent.
"""

import asyncio
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from openai.types.chat import ChatCompletionChunk
from openai.types.completion_usage import CompletionUsage
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

CHAT_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
MODEL_PATHS = (CHAT_PATH, RESPONSES_PATH)


# What to answer: one of these per model request.


@dataclass(frozen=True)
class Text:
    """An assistant message, streamed in deltas of `chunk` characters."""

    text: str
    chunk: int = 4


@dataclass(frozen=True)
class ToolCall:
    """A function call; `arguments` as a dict, or a raw string sent as it is."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)

    @property
    def arguments_json(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass(frozen=True)
class Fail:
    """An HTTP error instead of an answer (429 comes with `retry-after`)."""

    status: int = 500
    retry_after: int | None = None


@dataclass(frozen=True)
class Cut:
    """Start streaming `text`, then drop the connection half-way through."""

    text: str


@dataclass(frozen=True)
class Slow:
    """Wait `seconds` before the first byte, then answer with `then`."""

    seconds: float
    then: "Answer"


Answer = Text | ToolCall | Fail | Cut | Slow


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None


class StandInOpenAI:
    def __init__(self) -> None:
        # Since the last reset, and since the start.
        self.requests: list[Recorded] = []
        self.everything: list[Recorded] = []
        self._queue: deque[Answer] = deque()
        self._answer_with: Callable[[dict], Answer] | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # Scripting

    def script(self, *answers: Answer) -> None:
        """Answer the next model requests with these, in order (replaces any script)."""
        with self._lock:
            self._queue = deque(answers)
            self._answer_with = None

    def answer_with(self, fn: Callable[[dict], Answer]) -> None:
        with self._lock:
            self._queue.clear()
            self._answer_with = fn

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._answer_with = None
            self.requests.clear()

    @property
    def unanswered(self) -> int:
        return len(self._queue)

    def model_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path in MODEL_PATHS]

    def _next_answer(self, body: dict) -> Answer | None:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            if self._answer_with is not None:
                return self._answer_with(body)
        return None

    def _id(self, prefix: str) -> str:
        return f"{prefix}_standin{next(self._ids)}"

    # Serving

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "StandInOpenAI":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        app = Starlette(
            routes=[
                Route(CHAT_PATH, self._chat_completions, methods=["POST"]),
                Route(RESPONSES_PATH, self._responses, methods=["POST"]),
            ]
        )
        config = uvicorn.Config(
            self._recording(app), host="127.0.0.1", port=self.port, log_level="critical"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "the stand-in OpenAI server did not start"
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _recording(self, app):
        """ASGI middleware: record every request, whatever its path (an unknown one gets 404)."""

        async def middleware(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            chunks = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            raw = b"".join(chunks)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            recorded = Recorded(scope["method"], scope["path"], headers, body)
            self.requests.append(recorded)
            self.everything.append(recorded)

            replayed = False

            async def replay():
                # The body once, then the connection's own messages (its disconnect).
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}

            return await app(scope, replay, send)

        return middleware

    async def _answer(self, request: Request, stream: Callable[[dict, Answer], AsyncIterator]):
        body = await request.json()
        answer = self._next_answer(body)
        if answer is None:
            return JSONResponse(
                {
                    "error": {
                        "message": "the stand-in has no scripted answer",
                        "type": "server_error",
                    }
                },
                status_code=500,
            )
        while isinstance(answer, Slow):
            await asyncio.sleep(answer.seconds)
            answer = answer.then
        if isinstance(answer, Fail):
            headers = {"retry-after": str(answer.retry_after)} if answer.retry_after else {}
            kind = "rate_limit_exceeded" if answer.status == 429 else "server_error"
            return JSONResponse(
                {"error": {"message": f"stand-in failure {answer.status}", "type": kind}},
                status_code=answer.status,
                headers=headers,
            )
        if not body.get("stream"):
            return JSONResponse({"error": {"message": "the stand-in only streams"}}, 400)
        return StreamingResponse(stream(body, answer), media_type="text/event-stream")

    async def _chat_completions(self, request: Request):
        return await self._answer(request, self._chat_stream)

    async def _responses(self, request: Request):
        return await self._answer(request, self._responses_stream)

    # Chat Completions

    async def _chat_stream(self, body: dict, answer: Answer) -> AsyncIterator[bytes]:
        completion_id = self._id("chatcmpl")
        created = int(time.time())
        model = body.get("model", "standin")

        def chunk(delta: dict | None, finish: str | None = None, usage=None) -> bytes:
            choices = (
                []
                if delta is None
                else [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
            )
            event = ChatCompletionChunk(
                id=completion_id,
                object="chat.completion.chunk",
                created=created,
                model=model,
                choices=choices,
                usage=usage,
            )
            return f"data: {event.model_dump_json()}\n\n".encode()

        yield chunk({"role": "assistant", "content": ""})
        if isinstance(answer, Cut):
            half = answer.text[: len(answer.text) // 2]
            yield chunk({"content": half})
            raise ConnectionAbortedError("stand-in cut the stream")
        if isinstance(answer, Text):
            for start in range(0, len(answer.text), answer.chunk):
                yield chunk({"content": answer.text[start : start + answer.chunk]})
            finish = "stop"
        else:
            arguments = answer.arguments_json
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": self._id("call"),
                            "type": "function",
                            "function": {"name": answer.name, "arguments": ""},
                        }
                    ]
                }
            )
            for start in range(0, len(arguments), 7):
                piece = arguments[start : start + 7]
                yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
            finish = "tool_calls"
        yield chunk({}, finish)
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = CompletionUsage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
            yield chunk(None, usage=usage)
        yield b"data: [DONE]\n\n"

    # Responses

    async def _responses_stream(self, body: dict, answer: Answer) -> AsyncIterator[bytes]:
        sequence = itertools.count()
        response = Response(
            id=self._id("resp"),
            created_at=time.time(),
            model=body.get("model", "standin"),
            object="response",
            output=[],
            parallel_tool_calls=True,
            tool_choice=body.get("tool_choice") or "auto",
            tools=[],
            status="in_progress",
        )

        def event(model) -> bytes:
            data = model.model_copy(update={"sequence_number": next(sequence)})
            return f"event: {data.type}\ndata: {data.model_dump_json()}\n\n".encode()

        yield event(
            ResponseCreatedEvent(type="response.created", response=response, sequence_number=0)
        )
        yield event(
            ResponseInProgressEvent(
                type="response.in_progress", response=response, sequence_number=0
            )
        )
        if isinstance(answer, (Text, Cut)):
            text = answer.text
            item_id = self._id("msg")
            message = ResponseOutputMessage(
                id=item_id, type="message", role="assistant", status="in_progress", content=[]
            )
            yield event(
                ResponseOutputItemAddedEvent(
                    type="response.output_item.added",
                    item=message,
                    output_index=0,
                    sequence_number=0,
                )
            )
            empty = ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[])
            yield event(
                ResponseContentPartAddedEvent(
                    type="response.content_part.added",
                    item_id=item_id,
                    output_index=0,
                    content_index=0,
                    part=empty,
                    sequence_number=0,
                )
            )
            chunk = answer.chunk if isinstance(answer, Text) else 4
            end = len(text) if isinstance(answer, Text) else len(text) // 2
            for start in range(0, end, chunk):
                yield event(
                    ResponseTextDeltaEvent(
                        type="response.output_text.delta",
                        item_id=item_id,
                        output_index=0,
                        content_index=0,
                        delta=text[start : min(start + chunk, end)],
                        logprobs=[],
                        sequence_number=0,
                    )
                )
            if isinstance(answer, Cut):
                raise ConnectionAbortedError("stand-in cut the stream")
            part = ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])
            yield event(
                ResponseTextDoneEvent(
                    type="response.output_text.done",
                    item_id=item_id,
                    output_index=0,
                    content_index=0,
                    text=text,
                    logprobs=[],
                    sequence_number=0,
                )
            )
            yield event(
                ResponseContentPartDoneEvent(
                    type="response.content_part.done",
                    item_id=item_id,
                    output_index=0,
                    content_index=0,
                    part=part,
                    sequence_number=0,
                )
            )
            done = message.model_copy(update={"status": "completed", "content": [part]})
        else:
            item_id = self._id("fc")
            arguments = answer.arguments_json
            call = ResponseFunctionToolCall(
                id=item_id,
                call_id=self._id("call"),
                type="function_call",
                name=answer.name,
                arguments="",
                status="in_progress",
            )
            yield event(
                ResponseOutputItemAddedEvent(
                    type="response.output_item.added", item=call, output_index=0, sequence_number=0
                )
            )
            for start in range(0, len(arguments), 7):
                yield event(
                    ResponseFunctionCallArgumentsDeltaEvent(
                        type="response.function_call_arguments.delta",
                        item_id=item_id,
                        output_index=0,
                        delta=arguments[start : start + 7],
                        sequence_number=0,
                    )
                )
            yield event(
                ResponseFunctionCallArgumentsDoneEvent(
                    type="response.function_call_arguments.done",
                    item_id=item_id,
                    output_index=0,
                    arguments=arguments,
                    name=answer.name,
                    sequence_number=0,
                )
            )
            done = call.model_copy(update={"status": "completed", "arguments": arguments})
        yield event(
            ResponseOutputItemDoneEvent(
                type="response.output_item.done", item=done, output_index=0, sequence_number=0
            )
        )
        usage = ResponseUsage(
            input_tokens=10,
            input_tokens_details={"cached_tokens": 0, "cache_write_tokens": 0},
            output_tokens=5,
            output_tokens_details={"reasoning_tokens": 0},
            total_tokens=15,
        )
        completed = response.model_copy(
            update={"status": "completed", "output": [done], "usage": usage}
        )
        yield event(
            ResponseCompletedEvent(type="response.completed", response=completed, sequence_number=0)
        )
