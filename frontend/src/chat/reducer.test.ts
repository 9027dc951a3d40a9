import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./reducer";
import type {
  AssistantMessageItem,
  Thread,
  ThreadItem,
  ThreadStreamEvent,
  UserMessageItem,
  WidgetItem,
  WorkflowItem,
} from "./types";

const base = { thread_id: "thr_1", created_at: "2026-12-03T10:00:00Z" };
const THREAD: Thread = {
  id: "thr_1",
  title: null,
  created_at: base.created_at,
  status: { type: "active" },
  metadata: {},
  items: { data: [], has_more: false, after: null },
};

const user = (id: string, text = "hi"): UserMessageItem => ({
  ...base,
  id,
  type: "user_message",
  content: [{ type: "input_text", text }],
  attachments: [],
  inference_options: {},
});
const assistant = (id: string, text = ""): AssistantMessageItem => ({
  ...base,
  id,
  type: "assistant_message",
  content: text ? [{ type: "output_text", text, annotations: [] }] : [],
});
const widget = (id: string): WidgetItem => ({
  ...base,
  id,
  type: "widget",
  widget: {
    type: "Card",
    children: [
      { type: "Text", id: "t1", value: "Hel" },
      { type: "Row", children: [{ type: "Badge", id: "b1", label: "To do" }] },
    ],
  },
});

/** Shell actions by type; anything else in a test script is a stream event. */
const ACTION_TYPES = new Set<string>([
  "thread.loaded",
  "items.loaded",
  "thread.cleared",
  "item.optimistic",
  "stream.started",
  "stream.ended",
  "stream.failed",
  "items.truncated",
  "error.dismissed",
  "notice.dismissed",
]);

function run(script: (ChatAction | ThreadStreamEvent)[], start: ChatState = initialChatState) {
  const warn = vi.fn();
  const state = script.reduce<ChatState>((current, step) => {
    const action: ChatAction = ACTION_TYPES.has(step.type)
      ? (step as ChatAction)
      : { type: "event", event: step as ThreadStreamEvent };
    return chatReducer(current, action, warn);
  }, start);
  return { state, warn };
}

describe("chatReducer: thread and item events", () => {
  it("opens the thread on thread.created and keeps its title from thread.updated", () => {
    const { state } = run([
      { type: "thread.created", thread: THREAD },
      { type: "thread.updated", thread: { ...THREAD, title: "Tasks in review" } },
    ]);
    expect(state.thread).toEqual({
      id: "thr_1",
      title: "Tasks in review",
      created_at: base.created_at,
      status: { type: "active" },
      metadata: {},
    });
  });

  it("shows an added item as pending until it is done", () => {
    const added = run([{ type: "thread.item.added", item: assistant("a1") }]).state;
    expect(added.items.map((item) => item.id)).toEqual(["a1"]);
    expect(added.pendingItemIds).toEqual(["a1"]);

    const done = run(
      [{ type: "thread.item.done", item: assistant("a1", "All set.") }],
      added,
    ).state;
    expect(done.items).toEqual([assistant("a1", "All set.")]);
    expect(done.pendingItemIds).toEqual([]);
  });

  it("replaces an item in place and removes one", () => {
    const { state } = run([
      { type: "thread.item.done", item: user("u1") },
      { type: "thread.item.done", item: widget("w1") },
      { type: "thread.item.done", item: assistant("a1", "x") },
      { type: "thread.item.replaced", item: { ...widget("w1"), copy_text: "new" } },
      { type: "thread.item.removed", item_id: "a1" },
    ]);
    expect(state.items.map((item) => item.id)).toEqual(["u1", "w1"]);
    expect(state.items[1]).toMatchObject({ copy_text: "new" });
  });

  it("puts the server's user message in place of the optimistic one", () => {
    const { state } = run([
      { type: "item.optimistic", item: user("local-1", "show tasks") },
      { type: "stream.started" },
      { type: "thread.created", thread: THREAD },
      { type: "thread.item.done", item: user("u1", "show tasks") },
      { type: "thread.item.done", item: assistant("a1", "Here.") },
      { type: "stream.ended" },
    ]);
    expect(state.items.map((item) => item.id)).toEqual(["u1", "a1"]);
    expect(state.optimisticItemIds).toEqual([]);
    expect(state.isStreaming).toBe(false);
  });

  it("drops an optimistic message the server never echoed when the stream ends", () => {
    const { state } = run([
      { type: "item.optimistic", item: user("local-1") },
      { type: "stream.started" },
      { type: "stream.failed", message: "Not found.", allowRetry: false },
      { type: "stream.ended" },
    ]);
    expect(state.items).toEqual([]);
    expect(state.error).toEqual({ code: "http", message: "Not found.", allowRetry: false });
  });
});

describe("chatReducer: stream-level events", () => {
  it("records stream options, progress, notices and errors", () => {
    const { state } = run([
      { type: "stream.started" },
      { type: "stream_options", stream_options: { allow_cancel: true } },
      { type: "progress_update", text: "Searching tasks", icon: "search" },
      { type: "notice", level: "warning", message: "Be **careful**", title: "Heads up" },
      { type: "error", code: "custom", message: "Model down", allow_retry: true },
    ]);
    expect(state.isStreaming).toBe(true);
    expect(state.streamOptions).toEqual({ allowCancel: true });
    expect(state.progress).toBeNull();
    expect(state.notices).toEqual([
      { id: 1, level: "warning", message: "Be **careful**", title: "Heads up" },
    ]);
    expect(state.error).toEqual({ code: "custom", message: "Model down", allowRetry: true });
  });

  it("keeps the last progress line until the next item arrives", () => {
    const progressed = run([{ type: "progress_update", text: "Searching" }]).state;
    expect(progressed.progress).toEqual({ text: "Searching", icon: null });
    const next = run([{ type: "thread.item.added", item: assistant("a1") }], progressed).state;
    expect(next.progress).toBeNull();
  });

  it("leaves the state unchanged for a client effect", () => {
    const start = run([{ type: "thread.item.done", item: user("u1") }]).state;
    const { state, warn } = run(
      [{ type: "client_effect", name: "board.refresh", data: { task_id: 3 } }],
      start,
    );
    expect(state).toBe(start);
    expect(warn).not.toHaveBeenCalled();
  });

  it("logs and ignores an unknown event type", () => {
    const start = run([{ type: "thread.item.done", item: user("u1") }]).state;
    const { state, warn } = run(
      [{ type: "x.future", foo: 1 } as unknown as ThreadStreamEvent],
      start,
    );
    expect(state).toBe(start);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("x.future"), expect.anything());
  });

  it("dismisses the error and a notice", () => {
    const { state } = run([
      { type: "notice", level: "info", message: "a" },
      { type: "notice", level: "info", message: "b" },
      { type: "error", code: "stream.error", allow_retry: true },
      { type: "notice.dismissed", id: 1 },
      { type: "error.dismissed" },
    ]);
    expect(state.notices.map((notice) => notice.message)).toEqual(["b"]);
    expect(state.error).toBeNull();
  });
});

describe("chatReducer: assistant message updates", () => {
  const update = (u: object): ThreadStreamEvent =>
    ({ type: "thread.item.updated", item_id: "a1", update: u }) as ThreadStreamEvent;
  const annotation = (title: string) => ({
    type: "annotation" as const,
    source: { type: "url" as const, url: "https://example.test", title },
  });

  it("adds parts, appends deltas (padding missing parts), annotates and finishes", () => {
    const { state, warn } = run([
      { type: "thread.item.added", item: assistant("a1") },
      update({
        type: "assistant_message.content_part.added",
        content_index: 0,
        content: { type: "output_text", text: "", annotations: [] },
      }),
      update({ type: "assistant_message.content_part.text_delta", content_index: 0, delta: "Hel" }),
      update({ type: "assistant_message.content_part.text_delta", content_index: 0, delta: "lo" }),
      update({ type: "assistant_message.content_part.text_delta", content_index: 2, delta: "!" }),
      update({
        type: "assistant_message.content_part.annotation_added",
        content_index: 0,
        annotation_index: 0,
        annotation: annotation("second"),
      }),
      update({
        type: "assistant_message.content_part.annotation_added",
        content_index: 0,
        annotation_index: 0,
        annotation: annotation("first"),
      }),
    ]);
    expect(warn).not.toHaveBeenCalled();
    const item = state.items[0] as AssistantMessageItem;
    expect(item.content.map((part) => part.text)).toEqual(["Hello", "", "!"]);
    expect(item.content[0]?.annotations.map((a) => a.source.title)).toEqual(["first", "second"]);

    const done = run(
      [
        update({
          type: "assistant_message.content_part.done",
          content_index: 0,
          content: { type: "output_text", text: "Hello there", annotations: [] },
        }),
      ],
      state,
    ).state;
    expect((done.items[0] as AssistantMessageItem).content[0]?.text).toBe("Hello there");
  });

  it("does not change the previous state (pure)", () => {
    const start = run([{ type: "thread.item.added", item: assistant("a1", "Hi") }]).state;
    const copy = structuredClone(start);
    run(
      [update({ type: "assistant_message.content_part.text_delta", content_index: 0, delta: "!" })],
      start,
    );
    expect(start).toEqual(copy);
  });

  it("logs and ignores an update for a missing item or of the wrong kind", () => {
    const start = run([{ type: "thread.item.done", item: widget("w1") }]).state;
    const missing = run(
      [update({ type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" })],
      start,
    );
    expect(missing.state).toBe(start);
    expect(missing.warn).toHaveBeenCalledTimes(1);
    const wrong = run(
      [
        {
          type: "thread.item.updated",
          item_id: "w1",
          update: {
            type: "assistant_message.content_part.text_delta",
            content_index: 0,
            delta: "x",
          },
        },
      ],
      start,
    );
    expect(wrong.state).toBe(start);
    expect(wrong.warn).toHaveBeenCalledTimes(1);
  });
});

describe("chatReducer: widget, workflow and image updates", () => {
  const start = run([{ type: "thread.item.added", item: widget("w1") }]).state;
  const widgetUpdate = (u: object): ThreadStreamEvent =>
    ({ type: "thread.item.updated", item_id: "w1", update: u }) as ThreadStreamEvent;

  it("streams text into the component with that id", () => {
    const { state } = run(
      [
        widgetUpdate({
          type: "widget.streaming_text.value_delta",
          component_id: "t1",
          delta: "lo",
          done: false,
        }),
        widgetUpdate({
          type: "widget.streaming_text.value_delta",
          component_id: "t1",
          delta: "!",
          done: true,
        }),
      ],
      start,
    );
    expect((state.items[0] as WidgetItem).widget.children?.[0]).toEqual({
      type: "Text",
      id: "t1",
      value: "Hello!",
      streaming: false,
    });
  });

  it("replaces a nested component and the root", () => {
    const component = { type: "Badge", id: "b1", label: "Done", color: "success" };
    const updated = run(
      [widgetUpdate({ type: "widget.component.updated", component_id: "b1", component })],
      start,
    ).state;
    expect((updated.items[0] as WidgetItem).widget.children?.[1]?.children?.[0]).toEqual(component);
    expect((start.items[0] as WidgetItem).widget.children?.[1]?.children?.[0]).toMatchObject({
      label: "To do",
    });

    const root = { type: "ListView", children: [] };
    const replaced = run(
      [widgetUpdate({ type: "widget.root.updated", widget: root })],
      start,
    ).state;
    expect((replaced.items[0] as WidgetItem).widget).toEqual(root);
  });

  it("adds and updates workflow tasks", () => {
    const workflow: WorkflowItem = {
      ...base,
      id: "wf1",
      type: "workflow",
      workflow: { type: "reasoning", tasks: [], expanded: false },
    };
    const u = (x: object): ThreadStreamEvent =>
      ({ type: "thread.item.updated", item_id: "wf1", update: x }) as ThreadStreamEvent;
    const { state } = run([
      { type: "thread.item.added", item: workflow },
      u({ type: "workflow.task.added", task_index: 0, task: { type: "thought", content: "a" } }),
      u({ type: "workflow.task.added", task_index: 1, task: { type: "thought", content: "b" } }),
      u({ type: "workflow.task.updated", task_index: 0, task: { type: "thought", content: "A" } }),
    ]);
    expect((state.items[0] as WorkflowItem).workflow.tasks).toEqual([
      { type: "thought", content: "A" },
      { type: "thought", content: "b" },
    ]);
  });

  it("shows a generated image and its progress", () => {
    const { state } = run([
      {
        type: "thread.item.added",
        item: { ...base, id: "g1", type: "generated_image", image: null },
      },
      {
        type: "thread.item.updated",
        item_id: "g1",
        update: {
          type: "generated_image.updated",
          image: { id: "i", url: "data:," },
          progress: 0.5,
        },
      },
    ]);
    expect(state.items[0]).toMatchObject({ image: { id: "i", url: "data:," } });
    expect(state.imageProgress).toEqual({ g1: 0.5 });
  });
});

describe("chatReducer: loading, paging and retry", () => {
  const items: ThreadItem[] = [user("u1"), assistant("a1", "x"), user("u2"), assistant("a2", "y")];

  it("loads a thread, then older items from a descending page", () => {
    const loaded = run([
      {
        type: "thread.loaded",
        thread: { ...THREAD, items: { data: items.slice(2), has_more: true, after: "u2" } },
      },
    ]).state;
    expect(loaded.items.map((item) => item.id)).toEqual(["u2", "a2"]);
    const older = run(
      [
        {
          type: "items.loaded",
          order: "desc",
          page: { data: items.slice(0, 3).reverse(), has_more: false, after: null },
        },
      ],
      loaded,
    ).state;
    expect(older.items.map((item) => item.id)).toEqual(["u1", "a1", "u2", "a2"]);
    expect(older.itemsCursor).toEqual({ hasMore: false, after: null, order: "desc" });
  });

  it("drops the items after the retried message", () => {
    const loaded = run([
      {
        type: "thread.loaded",
        thread: { ...THREAD, items: { data: items, has_more: false, after: null } },
      },
      { type: "items.truncated", afterItemId: "u2" },
    ]).state;
    expect(loaded.items.map((item) => item.id)).toEqual(["u1", "a1", "u2"]);
  });

  it("clears everything for a new chat", () => {
    const { state } = run([{ type: "thread.created", thread: THREAD }, { type: "thread.cleared" }]);
    expect(state).toEqual(initialChatState);
  });
});
