/**
 * The panel's core against what the real server sends: streams and widget
 * component types recorded by tests/chatkit/test_frontend_fixtures.py (pytest
 * rewrites them on every run, before Vitest).
 */

import { render, screen } from "@testing-library/react";

import widgetComponents from "./__fixtures__/widget-components.json";
import { chatReducer, initialChatState, type ChatState } from "./reducer";
import { ServerSentEventDecoder, parseThreadStreamEvent } from "./sse";
import type { ThreadStreamEvent, WidgetItem } from "./types";
import { WidgetView, hasRenderer } from "./widgets";

const STREAMS = import.meta.glob<string>("./__fixtures__/streams/*.sse", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** In the order the recorder sent them, in one thread. */
const JOURNEY = [
  "show-tasks",
  "widget-action",
  "task-form",
  "create-refused",
  "create-task",
  "model-failure",
];

function bytesOf(name: string): Uint8Array {
  const text = STREAMS[`./__fixtures__/streams/${name}.sse`];
  if (text === undefined) throw new Error(`No recorded stream ${name}.sse: run pytest first.`);
  return new TextEncoder().encode(text);
}

function decode(chunks: Uint8Array[]): string[] {
  const decoder = new ServerSentEventDecoder();
  return [...chunks.flatMap((chunk) => decoder.push(chunk)), ...decoder.end()];
}

function eventsOf(name: string): ThreadStreamEvent[] {
  return decode([bytesOf(name)]).map(parseThreadStreamEvent);
}

function replay(names: string[], warn = vi.fn()): ChatState {
  let state = initialChatState;
  for (const name of names) {
    state = chatReducer(state, { type: "stream.started" }, warn);
    for (const event of eventsOf(name)) state = chatReducer(state, { type: "event", event }, warn);
    state = chatReducer(state, { type: "stream.ended" }, warn);
  }
  return state;
}

function widgetItem(state: ChatState, id: string): WidgetItem {
  const item = state.items.find((candidate) => candidate.id === id);
  if (item?.type !== "widget") throw new Error(`${id} is not a widget item`);
  return item;
}

describe("recorded streams", () => {
  it("are all there", () => {
    expect(Object.keys(STREAMS).sort()).toEqual(
      JOURNEY.map((name) => `./__fixtures__/streams/${name}.sse`).sort(),
    );
  });

  it.each(JOURNEY)("%s decodes to the same events wherever the bytes are split", (name) => {
    const bytes = bytesOf(name);
    const whole = decode([bytes]);
    expect(whole.length).toBeGreaterThan(0);
    for (let split = 0; split <= bytes.length; split++) {
      expect(decode([bytes.slice(0, split), bytes.slice(split)])).toEqual(whole);
    }
    const threeWay = [bytes.slice(0, 7), bytes.slice(7, 200), bytes.slice(200)];
    expect(decode(threeWay)).toEqual(whole);
  });

  it("replay into the thread the user saw, with no event ignored", () => {
    const warn = vi.fn();
    const state = replay(JOURNEY, warn);

    expect(warn).not.toHaveBeenCalled();
    expect(state.thread).toMatchObject({ id: "thr_00000001", title: "show tasks" });
    expect(state.items.map((item) => item.type)).toEqual([
      "user_message",
      "widget",
      "assistant_message",
      "user_message",
      "widget",
      "assistant_message",
      "assistant_message",
      "user_message",
    ]);
    expect(state.pendingItemIds).toEqual([]);
    expect(state.isStreaming).toBe(false);
    expect(state.error).toEqual({
      code: "custom",
      message: "The assistant could not answer just now. Try again in a moment.",
      allowRetry: true,
    });
  });

  it("replaces the list in place when Start is pressed, and the form with the new card", () => {
    const afterList = replay(["show-tasks"]);
    const afterStart = replay(["show-tasks", "widget-action"]);
    const [, list] = afterList.items;
    const [, started] = afterStart.items;
    expect(started?.id).toBe(list?.id);
    expect(JSON.stringify(list)).toContain('"label":"To do"');
    expect(JSON.stringify(started)).toContain('"label":"In progress"');

    const end = replay(JOURNEY);
    const form = widgetItem(end, "msg_00000006");
    expect(form.widget).toMatchObject({ type: "Card", key: "task-3" });
  });

  it("render every recorded widget with no unsupported component, user text as text", () => {
    const widgets = JOURNEY.flatMap((name) =>
      eventsOf(name).flatMap((event) =>
        (event.type === "thread.item.done" || event.type === "thread.item.replaced") &&
        event.item.type === "widget"
          ? [event.item.widget]
          : [],
      ),
    );
    expect(widgets.length).toBeGreaterThanOrEqual(5);
    const { container } = render(
      <>
        {widgets.map((widget, index) => (
          <WidgetView key={index} widget={widget} onAction={() => Promise.resolve()} />
        ))}
      </>,
    );
    expect(screen.queryByText(/Unsupported widget component/)).toBeNull();
    const drawn = new Set(
      Array.from(container.querySelectorAll("[data-widget]"), (element) =>
        element.getAttribute("data-widget"),
      ),
    );
    expect(widgetComponents.all.filter((type) => !drawn.has(type))).toEqual([]);
    expect(
      screen.getAllByText('Fix "quotes" \\ {{ 7*7 }} </script> <img src=x onerror=alert(1)>')
        .length,
    ).toBeGreaterThan(0);
    expect(container.querySelector("img, script")).toBeNull();
    expect(screen.getAllByText("Give the task a title.").length).toBeGreaterThan(0);
  });
});

describe("widget-components.json", () => {
  it("lists only component types the renderer has", () => {
    expect(widgetComponents.all.length).toBeGreaterThan(0);
    expect(widgetComponents.all.filter((type) => !hasRenderer(type))).toEqual([]);
  });
});
