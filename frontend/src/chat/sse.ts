/**
 * Server-sent events read from a fetch body stream, following the HTML
 * standard's event-stream rules where ChatKit needs them: lines end in LF, CR
 * or CRLF (even when a chunk ends between CR and LF), `data:` lines of one event
 * are joined with "\n", a blank line ends the event, `:` lines are comments,
 * and an event cut off by the end of the stream is dropped. ChatKit sends no
 * `event:`/`id:`/`retry:` fields, so they are read and ignored.
 */

import type { ThreadStreamEvent } from "./types";

/** Turns decoded text, fed in any pieces, into the `data` of each complete event. */
export class ServerSentEventParser {
  private line = "";
  private data: string[] = [];
  private afterCarriageReturn = false;

  /** Feed the next piece of text; returns the events it completed. */
  push(text: string): string[] {
    const events: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char === "\n" && this.afterCarriageReturn) {
        // The LF of a CRLF whose CR ended the previous piece (or line).
        this.afterCarriageReturn = false;
        start = i + 1;
        continue;
      }
      this.afterCarriageReturn = false;
      if (char === "\n" || char === "\r") {
        this.endLine(this.line + text.slice(start, i), events);
        this.line = "";
        this.afterCarriageReturn = char === "\r";
        start = i + 1;
      }
    }
    this.line += text.slice(start);
    return events;
  }

  /** The stream ended: an event without its closing blank line is incomplete and dropped. */
  end(): string[] {
    this.line = "";
    this.data = [];
    this.afterCarriageReturn = false;
    return [];
  }

  private endLine(line: string, events: string[]): void {
    if (line === "") {
      if (this.data.length > 0) events.push(this.data.join("\n"));
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
  }
}

/** Bytes in, events out: UTF-8 decoding (a character may straddle chunks) plus the parser. */
export class ServerSentEventDecoder {
  private readonly text = new TextDecoder();
  private readonly parser = new ServerSentEventParser();

  push(bytes: Uint8Array): string[] {
    return this.parser.push(this.text.decode(bytes, { stream: true }));
  }

  end(): string[] {
    return [...this.parser.push(this.text.decode()), ...this.parser.end()];
  }
}

/** The `data` of every event in `body`, as each one completes. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new ServerSentEventDecoder();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* decoder.push(value);
    }
    finished = true;
    yield* decoder.end();
  } finally {
    if (!finished) {
      // The consumer stopped early (stop button, unmount): close the connection.
      await reader.cancel().catch(() => undefined);
    }
    reader.releaseLock();
  }
}

/** The stream is not ChatKit's: an event's data is not a JSON object with a `type`. */
export class ChatKitProtocolError extends Error {
  override name = "ChatKitProtocolError";
}

/** One event's data as a ChatKit event. Its type is not checked here: the reducer ignores unknown ones. */
export function parseThreadStreamEvent(data: string): ThreadStreamEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new ChatKitProtocolError(`Event is not JSON: ${data.slice(0, 80)}`);
  }
  if (
    typeof value !== "object" ||
    value === null ||
    typeof (value as { type?: unknown }).type !== "string"
  ) {
    throw new ChatKitProtocolError(`Event has no type: ${data.slice(0, 80)}`);
  }
  return value as ThreadStreamEvent;
}

/** The ChatKit events of an SSE body, decoded as they arrive. */
export async function* readThreadStreamEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ThreadStreamEvent> {
  for await (const data of readServerSentEvents(body)) {
    yield parseThreadStreamEvent(data);
  }
}
