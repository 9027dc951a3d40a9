import {
  ChatKitProtocolError,
  ServerSentEventParser,
  readServerSentEvents,
  readThreadStreamEvents,
} from "./sse";

const encoder = new TextEncoder();

/** A body stream that delivers `chunks` one read at a time. */
function bodyOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const queue = chunks.map((chunk) => (typeof chunk === "string" ? encoder.encode(chunk) : chunk));
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>): Promise<string[]> {
  const events: string[] = [];
  for await (const data of readServerSentEvents(body)) events.push(data);
  return events;
}

const THREE_EVENTS =
  'data: {"type":"progress_update","text":"Looking…"}\n\n' +
  ": keep-alive comment\n\n" +
  'data: {"type":"notice",\ndata: "level":"info","message":"é ✓ 😀"}\n\n' +
  'data:{"type":"stream_options","stream_options":{"allow_cancel":true}}\n\n';

const THREE_DATA = [
  '{"type":"progress_update","text":"Looking…"}',
  '{"type":"notice",\n"level":"info","message":"é ✓ 😀"}',
  '{"type":"stream_options","stream_options":{"allow_cancel":true}}',
];

describe("readServerSentEvents", () => {
  it("reads several events from one chunk, joining multi-line data with newlines", async () => {
    expect(await collect(bodyOf([THREE_EVENTS]))).toEqual(THREE_DATA);
  });

  it("gives the same events wherever the byte stream is split in two", async () => {
    const bytes = encoder.encode(THREE_EVENTS);
    for (let split = 0; split <= bytes.length; split++) {
      const events = await collect(bodyOf([bytes.slice(0, split), bytes.slice(split)]));
      expect(events, `split at byte ${split}`).toEqual(THREE_DATA);
    }
  });

  it("gives the same events when every byte arrives alone", async () => {
    const bytes = encoder.encode(THREE_EVENTS);
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await collect(bodyOf(chunks))).toEqual(THREE_DATA);
  });

  it("accepts CRLF and CR line ends, also when a chunk ends between CR and LF", async () => {
    const crlf = THREE_EVENTS.replaceAll("\n", "\r\n");
    const cr = THREE_EVENTS.replaceAll("\n", "\r");
    for (const text of [crlf, cr]) {
      const bytes = encoder.encode(text);
      for (let split = 0; split <= bytes.length; split++) {
        const events = await collect(bodyOf([bytes.slice(0, split), bytes.slice(split)]));
        expect(events, `split at byte ${split}`).toEqual(THREE_DATA);
      }
    }
  });

  it("drops an event the stream cut off before its blank line", async () => {
    expect(await collect(bodyOf(['data: {"a":1}\n\ndata: {"b":2}\n']))).toEqual(['{"a":1}']);
  });

  it("ignores event, id and retry fields and keeps an empty data line", async () => {
    const text = "event: x\nid: 7\nretry: 10\ndata: one\ndata:\ndata: three\n\n";
    expect(await collect(bodyOf([text]))).toEqual(["one\n\nthree"]);
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode("data: 1\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const data of readServerSentEvents(body)) {
      expect(data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("ServerSentEventParser", () => {
  it("completes an event only at its blank line", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push("data: a")).toEqual([]);
    expect(parser.push("b\n")).toEqual([]);
    expect(parser.push("\n")).toEqual(["ab"]);
  });
});

describe("readThreadStreamEvents", () => {
  it("decodes each event's JSON", async () => {
    const events = [];
    for await (const event of readThreadStreamEvents(bodyOf([THREE_EVENTS]))) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      "progress_update",
      "notice",
      "stream_options",
    ]);
  });

  it("refuses data that is not a ChatKit event", async () => {
    const read = async (text: string) => {
      const events = [];
      for await (const event of readThreadStreamEvents(bodyOf([text]))) events.push(event);
      return events;
    };
    await expect(read("data: <html>\n\n")).rejects.toThrow(ChatKitProtocolError);
    await expect(read('data: {"no":"type"}\n\n')).rejects.toThrow(ChatKitProtocolError);
  });
});
