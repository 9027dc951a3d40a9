import {
  FormPayloadCollisionError,
  loadingTarget,
  mergeFormValues,
  runWidgetAction,
  wireAction,
} from "./actions";
import type { ActionConfig, WidgetItem } from "./types";

const ITEM: WidgetItem = {
  id: "wgt_1",
  thread_id: "thr_1",
  created_at: "2026-12-03T10:00:00Z",
  type: "widget",
  widget: { type: "Card", children: [] },
};

function routes(action: ActionConfig, formValues?: Record<string, unknown>) {
  const onAction = vi.fn();
  const stream = vi.fn().mockResolvedValue(undefined);
  const sync = vi.fn().mockResolvedValue(undefined);
  return {
    run: () => runWidgetAction({ action, item: ITEM, formValues, onAction, stream, sync }),
    onAction,
    stream,
    sync,
  };
}

describe("mergeFormValues", () => {
  it("adds each field by name without changing the payload it was given", () => {
    const payload = { task_id: 4 };
    expect(mergeFormValues(payload, { title: "Write docs", priority: "high" })).toEqual({
      task_id: 4,
      title: "Write docs",
      priority: "high",
    });
    expect(payload).toEqual({ task_id: 4 });
  });

  it("nests dotted names, also into an object the payload already has", () => {
    expect(
      mergeFormValues({ todo: { id: 1 } }, { "todo.title": "A", "todo.due.date": "2026-12-24" }),
    ).toEqual({ todo: { id: 1, title: "A", due: { date: "2026-12-24" } } });
  });

  it("starts from an empty payload", () => {
    expect(mergeFormValues(undefined, { title: "A" })).toEqual({ title: "A" });
    expect(mergeFormValues(null, {})).toEqual({});
  });

  it("refuses a field that collides with a payload key", () => {
    expect(() => mergeFormValues({ title: "x" }, { title: "y" })).toThrow(
      FormPayloadCollisionError,
    );
    expect(() => mergeFormValues({ todo: "x" }, { "todo.title": "y" })).toThrow(/todo\.title/);
    expect(() => mergeFormValues({ todo: { title: 1 } }, { "todo.title": "y" })).toThrow(
      FormPayloadCollisionError,
    );
  });
});

describe("runWidgetAction", () => {
  it("hands a client action to widgets.onAction with the item, never to the server", async () => {
    const action: ActionConfig = {
      type: "task.select",
      handler: "client",
      payload: { task_id: 3 },
    };
    const { run, onAction, stream, sync } = routes(action);
    await run();
    expect(onAction).toHaveBeenCalledWith(
      { type: "task.select", payload: { task_id: 3 } },
      { id: "wgt_1", widget: ITEM.widget },
    );
    expect(stream).not.toHaveBeenCalled();
    expect(sync).not.toHaveBeenCalled();
  });

  it("streams a server action (the default) with only its type and payload", async () => {
    const action: ActionConfig = {
      type: "task.start",
      payload: { task_id: 3 },
      loadingBehavior: "self",
    };
    const { run, onAction, stream, sync } = routes(action);
    await run();
    expect(stream).toHaveBeenCalledWith({ type: "task.start", payload: { task_id: 3 } });
    expect(onAction).not.toHaveBeenCalled();
    expect(sync).not.toHaveBeenCalled();
  });

  it("sends a server action with streaming: false as a sync custom action", async () => {
    const { run, stream, sync } = routes({
      type: "task.star",
      handler: "server",
      streaming: false,
    });
    await run();
    expect(sync).toHaveBeenCalledWith({ type: "task.star" });
    expect(stream).not.toHaveBeenCalled();
  });

  it("merges the form's values into the payload", async () => {
    const { run, stream } = routes({ type: "task.create", handler: "server" }, { title: "A" });
    await run();
    expect(stream).toHaveBeenCalledWith({ type: "task.create", payload: { title: "A" } });
  });

  it("sends nothing when a field collides with the payload", async () => {
    const { run, stream } = routes({ type: "t", payload: { title: "x" } }, { title: "y" });
    await expect(run()).rejects.toThrow(FormPayloadCollisionError);
    expect(stream).not.toHaveBeenCalled();
  });
});

describe("wireAction and loadingTarget", () => {
  it("keeps no handler, streaming or loading fields on the wire", () => {
    expect(
      wireAction({ type: "a", handler: "server", streaming: true, loadingBehavior: "none" }),
    ).toEqual({
      type: "a",
    });
  });

  it("resolves auto loading by what fired the action", () => {
    expect(loadingTarget({ type: "a" }, "button")).toBe("self");
    expect(loadingTarget({ type: "a" }, "change")).toBe("none");
    expect(loadingTarget({ type: "a" }, "confirm")).toBe("container");
    expect(loadingTarget({ type: "a", loadingBehavior: "container" }, "button")).toBe("container");
  });
});
