/**
 * The ChatKit protocol client: every request is a JSON `POST` to one URL through
 * the fetch the options give (the app's CSRF fetch). Streaming requests answer
 * server-sent events, decoded here into `ThreadStreamEvent`s; the others answer JSON.
 */

import { readThreadStreamEvents } from "./sse";
import type {
  NonStreamingRequest,
  NonStreamingResponseMap,
  StreamingRequest,
  ThreadStreamEvent,
} from "./types";

/** The server refused a request: `status` is the HTTP status, `message` the server's reason. */
export class ChatKitHttpError extends Error {
  override name = "ChatKitHttpError";
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ChatKitClient {
  /**
   * Send a streaming request and yield its events as they arrive. Aborting
   * `signal` (or leaving the loop early) closes the connection, which is how
   * ChatKit cancels a response.
   */
  stream(request: StreamingRequest, signal?: AbortSignal): AsyncGenerator<ThreadStreamEvent>;
  /** Send a JSON request and return the server's JSON answer. */
  send<R extends NonStreamingRequest>(
    request: R,
    signal?: AbortSignal,
  ): Promise<NonStreamingResponseMap[R["type"]]>;
}

export interface ChatKitClientOptions {
  url: string;
  fetch: typeof fetch;
}

/** The reason the server gave (`{"error": "..."}`), else the status text. */
async function errorFrom(response: Response): Promise<ChatKitHttpError> {
  let message = response.statusText || `HTTP ${response.status}`;
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null) {
      const reason =
        (body as { error?: unknown; message?: unknown }).error ??
        (body as { message?: unknown }).message;
      if (typeof reason === "string" && reason) message = reason;
    }
  } catch {
    // Not JSON: keep the status text.
  }
  return new ChatKitHttpError(response.status, message);
}

export function createChatKitClient(options: ChatKitClientOptions): ChatKitClient {
  const post = async (request: object, signal?: AbortSignal, accept = "application/json") => {
    const response = await options.fetch(options.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: accept },
      body: JSON.stringify(request),
      signal: signal ?? null,
    });
    if (!response.ok) throw await errorFrom(response);
    return response;
  };

  return {
    async *stream(request, signal) {
      const response = await post(request, signal, "text/event-stream");
      if (!response.body) throw new ChatKitHttpError(response.status, "The response has no body.");
      yield* readThreadStreamEvents(response.body);
    },
    async send<R extends NonStreamingRequest>(request: R, signal?: AbortSignal) {
      const response = await post(request, signal);
      return (await response.json()) as NonStreamingResponseMap[R["type"]];
    },
  };
}
