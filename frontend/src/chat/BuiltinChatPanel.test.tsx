import type { UseChatKitOptions } from "@openai/chatkit-react";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { BuiltinChatPanel, themeVariables, type BuiltinChatKitMethods } from "./BuiltinChatPanel";
import type { Thread, ThreadItem, ThreadStreamEvent, WidgetComponent } from "./types";
import { REPLACED_MARK, THREAD_STORAGE_KEY } from "./useChatSession";

const NOW = "2026-12-03T16:00:00Z";
const THREAD: Thread = {
  id: "thr_1",
  title: null,
  created_at: NOW,
  status: { type: "active" },
  items: { data: [], has_more: false, after: null },
};

function sse(events: ThreadStreamEvent[]): Response {
  const text = events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join("");
  return new Response(text, { headers: { "Content-Type": "text/event-stream" } });
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

const userItem = (id: string, text: string): ThreadItem => ({
  type: "user_message",
  id,
  thread_id: "thr_1",
  created_at: NOW,
  content: [{ type: "input_text", text }],
  attachments: [],
  inference_options: {},
});

const answer = (id: string, text: string): ThreadItem => ({
  type: "assistant_message",
  id,
  thread_id: "thr_1",
  created_at: NOW,
  content: [{ type: "output_text", text, annotations: [] }],
});

/** The thread's widget wid_1: a Card holding `children`. */
const cardItem = (children: WidgetComponent[]): ThreadItem => ({
  type: "widget",
  id: "wid_1",
  thread_id: "thr_1",
  created_at: NOW,
  widget: { type: "Card", children },
});

/** A task's card with its one button: Start, or once started, Submit for review. */
const card = (started: boolean): ThreadItem =>
  cardItem([
    started
      ? {
          type: "Button",
          label: "Submit for review",
          onClickAction: { type: "task.submit", payload: { task_id: 7 } },
        }
      : {
          type: "Button",
          label: "Start",
          onClickAction: { type: "task.start", payload: { task_id: 7 } },
        },
  ]);

interface Sent {
  type: string;
  params: Record<string, unknown>;
}

function fakeServer(handler: (request: Sent) => Response) {
  const sent: Sent[] = [];
  const fetchMock = vi.fn<typeof fetch>((_url, init) => {
    const request = JSON.parse(init?.body as string) as Sent;
    sent.push(request);
    return Promise.resolve(handler(request));
  });
  return { sent, fetchMock };
}

/** The stored thread thr_1 holding `items`; any other request is answered by `answer`. */
function storedThread(items: ThreadItem[], answer: (request: Sent) => Response) {
  return fakeServer((request) => {
    if (request.type === "threads.get_by_id") return json(THREAD);
    if (request.type === "items.list") return json({ data: items, has_more: false, after: null });
    return answer(request);
  });
}

function options(
  fetchMock: typeof fetch,
  extra: Partial<UseChatKitOptions> = {},
): UseChatKitOptions {
  return {
    api: { url: "/chatkit", domainKey: "domain_pk_test", fetch: fetchMock },
    theme: {
      colorScheme: "light",
      radius: "round",
      density: "compact",
      color: { accent: { primary: "#3b5bdb", level: 1 } },
    },
    header: { enabled: true, title: { text: "Assistant" } },
    history: { enabled: true, showDelete: true, showRename: true },
    startScreen: {
      greeting: "Hello there",
      prompts: [{ label: "Show my tasks", prompt: "show tasks" }],
    },
    composer: { placeholder: "Ask" },
    threadItemActions: { feedback: true, retry: true },
    ...extra,
  };
}

describe("BuiltinChatPanel", () => {
  beforeEach(() => {
    window.localStorage.clear();
  });

  it("sends a prompt from the start screen, streams the Markdown answer and hands effects to onEffect", async () => {
    const onEffect = vi.fn();
    const { sent, fetchMock } = fakeServer(() =>
      sse([
        {
          type: "thread.created",
          thread: THREAD,
        },
        { type: "thread.item.done", item: userItem("msg_1", "show tasks") },
        { type: "stream_options", stream_options: { allow_cancel: true } },
        { type: "thread.item.added", item: answer("msg_2", "") },
        {
          type: "thread.item.updated",
          item_id: "msg_2",
          update: {
            type: "assistant_message.content_part.text_delta",
            content_index: 0,
            delta: "Here are **two** tasks",
          },
        },
        { type: "thread.item.done", item: answer("msg_2", "Here are **two** tasks") },
        { type: "client_effect", name: "tasks.changed", data: { task_id: 3 } },
      ]),
    );
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock, { onEffect })} />);

    expect(screen.getByText("Hello there")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show my tasks" }));

    expect(await screen.findByText("two", { selector: "strong" })).toBeInTheDocument();
    expect(sent[0]).toMatchObject({
      type: "threads.create",
      params: { input: { content: [{ type: "input_text", text: "show tasks" }] } },
    });
    expect(onEffect).toHaveBeenCalledWith({ name: "tasks.changed", data: { task_id: 3 } });
    expect(window.localStorage.getItem(THREAD_STORAGE_KEY)).toBe("thr_1");
    // Raw HTML in an answer is never rendered.
    expect(document.querySelector("script, img")).toBeNull();
  });

  it("brings back the stored thread after a reload, and feedback and retry reach the server", async () => {
    window.localStorage.setItem(THREAD_STORAGE_KEY, "thr_1");
    const { sent, fetchMock } = fakeServer((request) => {
      switch (request.type) {
        case "threads.get_by_id":
          return json({
            ...THREAD,
            title: "Old chat",
            items: { data: [], has_more: false, after: null },
          });
        case "items.list":
          return json({
            data: [answer("msg_2", "An answer"), userItem("msg_1", "hi")],
            has_more: false,
            after: null,
          });
        case "items.feedback":
          return json({});
        default:
          return sse([{ type: "thread.item.done", item: answer("msg_3", "A better answer") }]);
      }
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock)} />);

    expect(await screen.findByText("An answer")).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Old chat" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Good answer" }));
    expect(sent.at(-1)).toEqual({
      type: "items.feedback",
      params: { thread_id: "thr_1", item_ids: ["msg_2"], kind: "positive" },
    });

    await user.click(screen.getByRole("button", { name: "Retry this answer" }));
    expect(await screen.findByText("A better answer")).toBeInTheDocument();
    expect(screen.queryByText("An answer")).not.toBeInTheDocument();
    expect(sent.at(-1)).toEqual({
      type: "threads.retry_after_item",
      params: { thread_id: "thr_1", item_id: "msg_1" },
    });
  });

  it("shows a stream error with Retry, which retries from the saved user message", async () => {
    let calls = 0;
    const { sent, fetchMock } = fakeServer(() => {
      calls += 1;
      return calls === 1
        ? sse([
            {
              type: "thread.created",
              thread: THREAD,
            },
            { type: "thread.item.done", item: userItem("msg_1", "hello") },
            { type: "error", code: "custom", message: "The model failed.", allow_retry: true },
          ])
        : sse([{ type: "thread.item.done", item: answer("msg_2", "Hi!") }]);
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock)} />);

    await user.type(screen.getByRole("textbox", { name: "Message" }), "hello{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The model failed.");
    await user.click(within(alert).getByRole("button", { name: "Retry" }));

    expect(await screen.findByText("Hi!")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(sent[1]).toEqual({
      type: "threads.retry_after_item",
      params: { thread_id: "thr_1", item_id: "msg_1" },
    });
  });

  it("a failed request shows the server's reason, calls onError, and Retry sends it again", async () => {
    const onError = vi.fn();
    let calls = 0;
    const { sent, fetchMock } = fakeServer(() => {
      calls += 1;
      return calls === 1
        ? json({ error: "Sign in again." }, 401)
        : sse([
            {
              type: "thread.created",
              thread: THREAD,
            },
            { type: "thread.item.done", item: userItem("msg_1", "hello") },
            { type: "thread.item.done", item: answer("msg_2", "Welcome back") },
          ]);
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock, { onError })} />);

    await user.type(screen.getByRole("textbox", { name: "Message" }), "hello{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Sign in again.");
    expect(onError).toHaveBeenCalledOnce();
    await user.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Welcome back")).toBeInTheDocument();
    expect(sent[1]).toEqual(sent[0]);
  });

  it("offers the methods the bridge calls", async () => {
    const { sent, fetchMock } = fakeServer(() =>
      sse([
        {
          type: "thread.created",
          thread: THREAD,
        },
        { type: "thread.item.done", item: userItem("msg_1", "show more tasks from 20") },
      ]),
    );
    let methods: BuiltinChatKitMethods | null = null;
    render(
      <BuiltinChatPanel
        options={options(fetchMock)}
        onReady={(bound) => {
          methods = bound;
        }}
      />,
    );
    await waitFor(() => {
      expect(methods).not.toBeNull();
    });
    const bound = methods as unknown as BuiltinChatKitMethods;

    await act(() => bound.setComposerValue({ text: "drafted" }));
    expect(await screen.findByDisplayValue("drafted")).toBeInTheDocument();
    await act(() => bound.sendUserMessage({ text: "show more tasks from 20" }));
    await act(() =>
      bound.sendCustomAction({ type: "task.select", payload: { task_id: 4 } }, "wid_1"),
    );
    expect(sent.map((request) => request.type)).toEqual([
      "threads.create",
      "threads.custom_action",
    ]);
    expect(sent[1]?.params).toEqual({
      thread_id: "thr_1",
      item_id: "wid_1",
      action: { type: "task.select", payload: { task_id: 4 } },
    });
  });

  it("shows a widget's replacement before the rest of the response that came with it", async () => {
    window.localStorage.setItem(THREAD_STORAGE_KEY, "thr_1");
    const { fetchMock } = fakeServer((request) => {
      switch (request.type) {
        case "threads.get_by_id":
          return json(THREAD);
        case "items.list":
          return json({ data: [card(false)], has_more: false, after: null });
        case "threads.custom_action":
          // One chunk: the replaced widget, then the answer and the stream's end.
          return sse([
            { type: "thread.item.replaced", item: card(true) },
            { type: "thread.item.done", item: answer("msg_2", "Started the task.") },
          ]);
        default:
          return json({ error: "unexpected" }, 500);
      }
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock)} />);
    const start = await screen.findByRole("button", { name: "Start" });

    // What the page looked like when the new widget first appeared.
    let answerShownWithWidget: boolean | null = null;
    let newButtonBusy: string | null = null;
    const observer = new MutationObserver(() => {
      const submit = screen.queryByRole("button", { name: "Submit for review" });
      if (answerShownWithWidget === null && submit) {
        answerShownWithWidget = screen.queryByText("Started the task.") !== null;
        newButtonBusy = submit.getAttribute("aria-busy");
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    await user.click(start);

    expect(await screen.findByText("Started the task.")).toBeInTheDocument();
    observer.disconnect();
    expect(screen.getByRole("button", { name: "Submit for review" })).toBeInTheDocument();
    // The widget the user acted on was drawn first, on its own, and its new button
    // is not shown working: the Start that was clicked is gone.
    expect(answerShownWithWidget).toBe(false);
    expect(newButtonBusy).toBeNull();
    // Its arrival is marked for DevTools and the benchmark.
    expect(performance.getEntriesByName(REPLACED_MARK)).toHaveLength(1);
  });

  it("sends a button's request in the click's own task, before the click is drawn", async () => {
    window.localStorage.setItem(THREAD_STORAGE_KEY, "thr_1");
    const { sent, fetchMock } = storedThread([card(false)], () =>
      sse([{ type: "thread.item.done", item: answer("msg_2", "Started.") }]),
    );
    render(<BuiltinChatPanel options={options(fetchMock)} />);
    const start = await screen.findByRole("button", { name: "Start" });

    act(() => {
      start.click();
      // Still inside the click: nothing has been rendered yet, the request has left.
      expect(start).not.toHaveAttribute("aria-busy");
      expect(sent.map((request) => request.type)).toContain("threads.custom_action");
    });
    expect(await screen.findByText("Started.")).toBeInTheDocument();
  });

  it("sends a button with streaming: false as threads.sync_custom_action and shows the widget it answers", async () => {
    window.localStorage.setItem(THREAD_STORAGE_KEY, "thr_1");
    const onError = vi.fn();
    const starCard = (starred: boolean): ThreadItem =>
      cardItem([
        { type: "Text", value: starred ? "Starred" : "Not starred" },
        {
          type: "Button",
          label: "Star",
          onClickAction: { type: "task.star", payload: { task_id: 7 }, streaming: false },
        },
      ]);
    let refuse = false;
    const { sent, fetchMock } = fakeServer((request) => {
      switch (request.type) {
        case "threads.get_by_id":
          return json(THREAD);
        case "items.list":
          return json({ data: [starCard(false)], has_more: false, after: null });
        case "threads.sync_custom_action":
          return refuse
            ? json({ error: "Already starred; nothing changed." }, 400)
            : json({ updated_item: starCard(true) });
        default:
          return json({ error: "unexpected" }, 500);
      }
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock, { onError })} />);

    await user.click(await screen.findByRole("button", { name: "Star" }));

    expect(await screen.findByText("Starred")).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({
      type: "threads.sync_custom_action",
      params: {
        thread_id: "thr_1",
        item_id: "wid_1",
        action: { type: "task.star", payload: { task_id: 7 } },
      },
    });
    expect(sent.map((request) => request.type)).not.toContain("threads.custom_action");

    // A refusal reaches onError with the server's reason; the button can be used again.
    refuse = true;
    await user.click(screen.getByRole("button", { name: "Star" }));
    await waitFor(() => {
      expect(onError).toHaveBeenCalledWith({
        error: expect.objectContaining({ message: "Already starred; nothing changed." }) as Error,
      });
    });
    expect(screen.getByRole("button", { name: "Star" })).not.toHaveAttribute("aria-disabled");
  });

  it("pages back through a long thread with Show earlier messages, oldest first on screen", async () => {
    window.localStorage.setItem(THREAD_STORAGE_KEY, "thr_1");
    const { sent, fetchMock } = fakeServer((request) => {
      switch (request.type) {
        case "threads.get_by_id":
          return json(THREAD);
        case "items.list":
          // Newest first, as the panel asks; the second page is the oldest.
          return request.params.after === "msg_3"
            ? json({
                data: [answer("msg_2", "Second"), userItem("msg_1", "First")],
                has_more: false,
                after: "msg_1",
              })
            : json({
                data: [answer("msg_4", "Fourth"), userItem("msg_3", "Third")],
                has_more: true,
                after: "msg_3",
              });
        default:
          return json({ error: "unexpected" }, 500);
      }
    });
    const user = userEvent.setup();
    render(<BuiltinChatPanel options={options(fetchMock)} />);

    expect(await screen.findByText("Fourth")).toBeInTheDocument();
    expect(screen.queryByText("Second")).not.toBeInTheDocument();
    const older = screen.getByRole("button", { name: "Show earlier messages" });
    older.focus();
    await user.keyboard("{Enter}");

    expect(await screen.findByText("Second")).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({
      type: "items.list",
      params: { thread_id: "thr_1", limit: 100, order: "desc", after: "msg_3" },
    });
    const shown = [...document.querySelectorAll("[data-item-id]")].map((node) =>
      node.getAttribute("data-item-id"),
    );
    expect(shown).toEqual(["msg_1", "msg_2", "msg_3", "msg_4"]);
    // Nothing older is left: the control gives way to a line that keeps the focus.
    expect(screen.queryByRole("button", { name: "Show earlier messages" })).not.toBeInTheDocument();
    expect(screen.getByText("The beginning of this chat.")).toHaveFocus();
  });

  it("turns the options' theme into CSS variables", () => {
    expect(
      themeVariables({
        colorScheme: "dark",
        radius: "pill",
        density: "spacious",
        color: { accent: { primary: "#123456", level: 1 } },
      }),
    ).toEqual({ "--chat-accent": "#123456", "--chat-radius": "999px", "--chat-gap": "16px" });
  });
});
