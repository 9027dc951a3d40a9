import { ChatKitHttpError, createChatKitClient } from "./client";
import type { StreamingRequest, ThreadStreamEvent } from "./types";

const REQUEST: StreamingRequest = {
  type: "threads.add_user_message",
  params: {
    thread_id: "thr_1",
    input: {
      content: [{ type: "input_text", text: "show tasks" }],
      attachments: [],
      inference_options: {},
    },
  },
};

function sseResponse(text: string): Response {
  return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
}

async function collect(events: AsyncGenerator<ThreadStreamEvent>): Promise<ThreadStreamEvent[]> {
  const all: ThreadStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe("createChatKitClient", () => {
  it("POSTs the request as JSON to the URL and yields the streamed events", async () => {
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValue(
        sseResponse(
          'data: {"type":"progress_update","text":"Working"}\n\n' +
            'data: {"type":"thread.item.removed","item_id":"a"}\n\n',
        ),
      );
    const client = createChatKitClient({ url: "/chatkit", fetch: fetchMock });

    const events = await collect(client.stream(REQUEST));

    expect(events).toEqual([
      { type: "progress_update", text: "Working" },
      { type: "thread.item.removed", item_id: "a" },
    ]);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/chatkit");
    expect(init?.method).toBe("POST");
    expect(new Headers(init?.headers).get("Content-Type")).toBe("application/json");
    expect(JSON.parse(init?.body as string)).toEqual(REQUEST);
  });

  it("passes the abort signal to fetch", async () => {
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(sseResponse(""));
    const controller = new AbortController();
    await collect(
      createChatKitClient({ url: "/c", fetch: fetchMock }).stream(REQUEST, controller.signal),
    );
    expect(fetchMock.mock.calls[0]?.[1]?.signal).toBe(controller.signal);
  });

  it("throws the server's reason with the status when a stream is refused", async () => {
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValue(Response.json({ error: "Not found." }, { status: 404 }));
    const client = createChatKitClient({ url: "/chatkit", fetch: fetchMock });

    const failure = collect(client.stream(REQUEST));

    await expect(failure).rejects.toBeInstanceOf(ChatKitHttpError);
    await expect(failure).rejects.toMatchObject({ status: 404, message: "Not found." });
  });

  it("returns the JSON answer of a non-streaming request", async () => {
    const page = { data: [], has_more: false, after: null };
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(Response.json(page));
    const client = createChatKitClient({ url: "/chatkit", fetch: fetchMock });

    const answer = await client.send({ type: "threads.list", params: { limit: 20 } });

    expect(answer).toEqual(page);
    expect(JSON.parse(fetchMock.mock.calls[0]?.[1]?.body as string)).toEqual({
      type: "threads.list",
      params: { limit: 20 },
    });
  });

  it("keeps the status text when a refusal is not JSON", async () => {
    const fetchMock = vi
      .fn<typeof fetch>()
      .mockResolvedValue(
        new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
      );
    const client = createChatKitClient({ url: "/chatkit", fetch: fetchMock });

    await expect(
      client.send({ type: "threads.delete", params: { thread_id: "t" } }),
    ).rejects.toMatchObject({ status: 502, message: "Bad Gateway" });
  });
});
