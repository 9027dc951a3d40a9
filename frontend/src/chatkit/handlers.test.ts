import type { Entity } from "@openai/chatkit-react";

import { silentLogger } from "../test/fixtures";
import {
  createEffectHandler,
  createEntityClickHandler,
  createErrorHandler,
  createLogHandler,
  createPreviewHandler,
  createTagSearch,
  createWidgetActionHandler,
  moreTasksMessage,
  parseEntityId,
  parseTaskId,
  toEntity,
} from "./handlers";

const widgetItem = { id: "wi_123", widget: { type: "ListView", children: [] } } as never;

function actionHandler() {
  const deps = {
    selectTask: vi.fn(),
    sendCustomAction: vi.fn().mockResolvedValue(undefined),
    sendUserMessage: vi.fn().mockResolvedValue(undefined),
    logger: silentLogger(),
  };
  return { deps, onAction: createWidgetActionHandler(deps) };
}

describe("widgets.onAction", () => {
  it("task.select highlights the card, then forwards the action with the widget item id", async () => {
    const { deps, onAction } = actionHandler();
    const action = { type: "task.select", payload: { task_id: 12 } };
    await onAction(action, widgetItem);
    expect(deps.selectTask).toHaveBeenCalledWith(12);
    expect(deps.sendCustomAction).toHaveBeenCalledWith(action, "wi_123");
    expect(deps.selectTask.mock.invocationCallOrder[0]).toBeLessThan(
      deps.sendCustomAction.mock.invocationCallOrder[0] ?? 0,
    );
    expect(deps.sendUserMessage).not.toHaveBeenCalled();
  });

  it("task.select accepts a numeric string id", async () => {
    const { deps, onAction } = actionHandler();
    await onAction({ type: "task.select", payload: { task_id: "7" } }, widgetItem);
    expect(deps.selectTask).toHaveBeenCalledWith(7);
  });

  it.each([{}, { task_id: "12; drop" }, { task_id: -1 }, { task_id: 1.5 }, { task_id: null }])(
    "task.select with a bad payload %j does nothing and warns",
    async (payload) => {
      const { deps, onAction } = actionHandler();
      await onAction({ type: "task.select", payload }, widgetItem);
      expect(deps.selectTask).not.toHaveBeenCalled();
      expect(deps.sendCustomAction).not.toHaveBeenCalled();
      expect(deps.logger.warn).toHaveBeenCalled();
    },
  );

  it("tasks.more asks for the next page with the status and offset", async () => {
    const { deps, onAction } = actionHandler();
    await onAction({ type: "tasks.more", payload: { status: "review", offset: 20 } }, widgetItem);
    expect(deps.sendUserMessage).toHaveBeenCalledWith({
      text: "show more tasks in review from 20",
    });
    expect(deps.sendCustomAction).not.toHaveBeenCalled();
  });

  it("tasks.more without a status pages through all tasks; junk values are ignored", async () => {
    const { deps, onAction } = actionHandler();
    await onAction({ type: "tasks.more", payload: { status: null, offset: 40 } }, widgetItem);
    await onAction(
      { type: "tasks.more", payload: { status: "<script>", offset: "lots" } },
      widgetItem,
    );
    expect(deps.sendUserMessage.mock.calls).toEqual([
      [{ text: "show more tasks from 40" }],
      [{ text: "show more tasks from 0" }],
    ]);
  });

  it("logs an action it has no handler for", async () => {
    const { deps, onAction } = actionHandler();
    await onAction({ type: "task.explode" }, widgetItem);
    expect(deps.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("task.explode"),
      expect.anything(),
    );
    expect(deps.sendCustomAction).not.toHaveBeenCalled();
  });

  it("lets a failing forward surface to ChatKit instead of hiding it", async () => {
    const { deps, onAction } = actionHandler();
    deps.sendCustomAction.mockRejectedValueOnce(new Error("offline"));
    await expect(
      onAction({ type: "task.select", payload: { task_id: 3 } }, widgetItem),
    ).rejects.toThrow("offline");
  });
});

describe("entities.onTagSearch", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const results = [
    {
      id: "task:12",
      title: "Fix login redirect loop",
      group: "Tasks",
      icon: "check-circle",
      interactive: true,
      data: { task_id: 12, status: "todo", nested: { no: 1 } },
    },
    { id: "user:2", title: "Bob Member", group: "People", icon: "profile", data: {} },
  ];

  it("waits for typing to pause, then maps the API's entities for ChatKit", async () => {
    const searchEntities = vi.fn().mockResolvedValue(results);
    const onTagSearch = createTagSearch({ searchEntities, logger: silentLogger(), delayMs: 200 });
    const found = onTagSearch("fix");
    expect(searchEntities).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(searchEntities).toHaveBeenCalledWith("fix", expect.any(AbortSignal));
    await expect(found).resolves.toEqual([
      {
        id: "task:12",
        title: "Fix login redirect loop",
        group: "Tasks",
        icon: "check-circle",
        interactive: true,
        data: { task_id: "12", status: "todo" },
      },
      {
        id: "user:2",
        title: "Bob Member",
        group: "People",
        icon: "profile",
        interactive: true,
        data: {},
      },
    ]);
  });

  it("queries only the last of several quick keystrokes; earlier ones resolve empty", async () => {
    const searchEntities = vi.fn().mockResolvedValue(results);
    const onTagSearch = createTagSearch({ searchEntities, logger: silentLogger(), delayMs: 200 });
    const first = onTagSearch("f");
    await vi.advanceTimersByTimeAsync(100);
    const second = onTagSearch("fi");
    await vi.advanceTimersByTimeAsync(100);
    const third = onTagSearch("fix");
    await vi.advanceTimersByTimeAsync(200);
    await expect(first).resolves.toEqual([]);
    await expect(second).resolves.toEqual([]);
    await expect(third).resolves.toHaveLength(2);
    expect(searchEntities).toHaveBeenCalledTimes(1);
    expect(searchEntities).toHaveBeenCalledWith("fix", expect.any(AbortSignal));
  });

  it("aborts a request still running when a new query comes", async () => {
    let signal: AbortSignal | undefined;
    const searchEntities = vi.fn((_query: string, s: AbortSignal) => {
      signal = s;
      return new Promise<never>((_resolve, reject) => {
        s.addEventListener("abort", () => {
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    });
    const logger = silentLogger();
    const onTagSearch = createTagSearch({ searchEntities, logger, delayMs: 50 });
    const slow = onTagSearch("a");
    await vi.advanceTimersByTimeAsync(50);
    void onTagSearch("ab");
    expect(signal?.aborted).toBe(true);
    await expect(slow).resolves.toEqual([]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it("logs a failed search and shows no suggestions", async () => {
    const logger = silentLogger();
    const searchEntities = vi.fn().mockRejectedValue(new Error("500"));
    const onTagSearch = createTagSearch({ searchEntities, logger, delayMs: 10 });
    const found = onTagSearch("x");
    await vi.advanceTimersByTimeAsync(10);
    await expect(found).resolves.toEqual([]);
    expect(logger.error).toHaveBeenCalledWith("Entity search failed", expect.any(Error));
  });
});

describe("toEntity", () => {
  it("defaults to interactive and leaves out what the API did not send", () => {
    expect(toEntity({ id: "task:1", title: "T" })).toEqual({
      id: "task:1",
      title: "T",
      data: {},
      interactive: true,
    });
  });
});

describe("entities.onClick", () => {
  function clickHandler() {
    const deps = { selectTask: vi.fn(), showAssignee: vi.fn(), logger: silentLogger() };
    return { deps, onClick: createEntityClickHandler(deps) };
  }
  const entity = (id: string): Entity => ({ id, title: "x" });

  it("selects a tagged task on the board", () => {
    const { deps, onClick } = clickHandler();
    onClick(entity("task:12"));
    expect(deps.selectTask).toHaveBeenCalledWith(12);
    expect(deps.showAssignee).not.toHaveBeenCalled();
  });

  it("shows a tagged person's tasks", () => {
    const { deps, onClick } = clickHandler();
    onClick(entity("user:3"));
    expect(deps.showAssignee).toHaveBeenCalledWith(3);
  });

  it.each(["task:", "task:abc", "project:1", "task:0", "task:1:2"])(
    "ignores the unknown entity id %s",
    (id) => {
      const { deps, onClick } = clickHandler();
      onClick(entity(id));
      expect(deps.selectTask).not.toHaveBeenCalled();
      expect(deps.showAssignee).not.toHaveBeenCalled();
      expect(deps.logger.warn).toHaveBeenCalled();
    },
  );
});

describe("entities.onRequestPreview", () => {
  it("returns the server's preview widget", async () => {
    const preview = { type: "Card", children: [{ type: "Text", value: "Fix login" }] };
    const entityPreview = vi.fn().mockResolvedValue({ preview });
    const onRequestPreview = createPreviewHandler({ entityPreview, logger: silentLogger() });
    await expect(onRequestPreview({ id: "task:12", title: "Fix login" })).resolves.toEqual({
      preview,
    });
    expect(entityPreview).toHaveBeenCalledWith("task:12");
  });

  it("shows no preview, and logs why, when the server fails", async () => {
    const logger = silentLogger();
    const entityPreview = vi.fn().mockRejectedValue(new Error("404"));
    const onRequestPreview = createPreviewHandler({ entityPreview, logger });
    await expect(onRequestPreview({ id: "task:99", title: "Gone" })).resolves.toEqual({
      preview: null,
    });
    expect(logger.error).toHaveBeenCalled();
  });

  it("shows no preview for an empty answer", async () => {
    const entityPreview = vi.fn().mockResolvedValue({ preview: null });
    const onRequestPreview = createPreviewHandler({ entityPreview, logger: silentLogger() });
    await expect(onRequestPreview({ id: "user:1", title: "A" })).resolves.toEqual({
      preview: null,
    });
  });
});

describe("onEffect", () => {
  it("reloads the task tasks.changed names, the whole board when it names none, and ignores other effects", () => {
    const refreshBoard = vi.fn();
    const onEffect = createEffectHandler({ refreshBoard, logger: silentLogger() });
    onEffect({ name: "tasks.changed", data: { task_id: 3 } });
    expect(refreshBoard).toHaveBeenLastCalledWith(3);
    onEffect({ name: "tasks.changed", data: { task_id: "x" } });
    expect(refreshBoard).toHaveBeenLastCalledWith();
    onEffect({ name: "tasks.changed" });
    expect(refreshBoard).toHaveBeenLastCalledWith();
    onEffect({ name: "confetti" });
    expect(refreshBoard).toHaveBeenCalledTimes(3);
  });
});

describe("onError and onLog", () => {
  it("logs the error and tells the user", () => {
    const logger = silentLogger();
    const reportError = vi.fn();
    const error = new Error("HTTP 403: CSRF verification failed");
    createErrorHandler({ reportError, logger })({ error });
    expect(logger.error).toHaveBeenCalledWith("ChatKit error", error);
    expect(reportError).toHaveBeenCalledWith("HTTP 403: CSRF verification failed");
  });

  it("passes diagnostics to the log", () => {
    const logger = silentLogger();
    createLogHandler(logger)({ name: "message.feedback", data: { kind: "positive" } });
    expect(logger.debug).toHaveBeenCalledWith("[chatkit] message.feedback", { kind: "positive" });
  });
});

describe("parsers", () => {
  it("parseTaskId accepts positive integers only", () => {
    expect(parseTaskId(5)).toBe(5);
    expect(parseTaskId("5")).toBe(5);
    expect(parseTaskId("05x")).toBeNull();
    expect(parseTaskId(0)).toBeNull();
    expect(parseTaskId(Number.MAX_SAFE_INTEGER + 1)).toBeNull();
  });

  it("parseEntityId splits kind and id", () => {
    expect(parseEntityId("task:12")).toEqual({ kind: "task", id: 12 });
    expect(parseEntityId("user:3")).toEqual({ kind: "user", id: 3 });
    expect(parseEntityId(" task:12")).toBeNull();
  });

  it("moreTasksMessage names the status and offset", () => {
    expect(moreTasksMessage("in_progress", 20)).toBe("show more tasks in in_progress from 20");
  });
});
