import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ApiError, type Api } from "../lib/api";
import type { Task } from "../lib/types";
import { BOB, MEMBER_TRANSITIONS, makeMe, makeTask } from "../test/fixtures";
import { App, NARROW_QUERY } from "./App";

class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  close() {
    this.onclose = null;
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) throw new Error("no socket opened");
    return socket;
  }
}

function fakeApi(tasks: Task[], me = makeMe()) {
  const api = {
    me: vi.fn().mockResolvedValue(me),
    listTasks: vi.fn(),
    allTasks: vi.fn().mockImplementation(() => Promise.resolve(tasks)),
    task: vi.fn(),
    transition: vi.fn(),
    searchEntities: vi.fn(),
    entityPreview: vi.fn(),
  };
  return api;
}

function column(name: string) {
  return screen.getByRole("region", { name: new RegExp(`^${name}`) });
}

async function renderApp(api: ReturnType<typeof fakeApi>) {
  render(
    <App
      api={api as unknown as Api}
      config={{ domainKey: "domain_pk_test", logoutUrl: "/accounts/logout/", chatkitUi: "openai" }}
    />,
  );
  await screen.findByText("Signed in as", { exact: false });
  const socket = FakeWebSocket.latest();
  act(() => {
    socket.onopen?.();
  });
  return socket;
}

describe("App", () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal("WebSocket", FakeWebSocket);
    document.cookie = "csrftoken=tok123";
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("shows the user, a sign-out form and every task in its status column", async () => {
    const tasks = [
      makeTask({ title: "Fix login", status: "todo", assignee: BOB }),
      makeTask({ title: "Dark mode", status: "review" }),
    ];
    await renderApp(fakeApi(tasks));
    expect(screen.getByRole("banner")).toHaveTextContent("Alice Approver");
    const signOut = screen.getByRole("button", { name: "Sign out" });
    const form = signOut.closest("form");
    expect(form).toHaveAttribute("method", "post");
    expect(form).toHaveAttribute("action", "/accounts/logout/");
    expect(form?.querySelector("input[name=csrfmiddlewaretoken]")).toHaveValue("tok123");
    expect(
      await within(column("To do")).findByRole("article", { name: "Fix login" }),
    ).toBeVisible();
    expect(within(column("Review")).getByRole("article", { name: "Dark mode" })).toBeVisible();
    expect(within(column("Done")).getByText("No tasks")).toBeInTheDocument();
  });

  it("moves a card when its transition succeeds", async () => {
    const task = makeTask({ title: "Fix login", status: "todo" });
    const api = fakeApi([task], makeMe({ transitions: MEMBER_TRANSITIONS }));
    api.transition.mockResolvedValue({
      ...task,
      status: "in_progress",
      updated_at: "2026-02-01T00:00:00Z",
    });
    await renderApp(api);
    const card = await screen.findByRole("article", { name: "Fix login" });
    await userEvent.click(within(card).getByRole("button", { name: "Start" }));
    expect(api.transition).toHaveBeenCalledWith(task.id, "start");
    expect(
      await within(column("In progress")).findByRole("article", { name: "Fix login" }),
    ).toBeVisible();
    expect(within(column("To do")).queryByRole("article")).not.toBeInTheDocument();
  });

  it("moves a card whose move was refused to where the task really is, and says why", async () => {
    const task = makeTask({ title: "Fix login", status: "todo" });
    const api = fakeApi([task], makeMe({ transitions: MEMBER_TRANSITIONS }));
    api.transition.mockRejectedValue(new ApiError(409, "The task is no longer in To do."));
    api.task.mockResolvedValue({
      ...task,
      status: "review",
      updated_at: "2026-02-01T00:00:00Z",
    });
    await renderApp(api);
    const card = await screen.findByRole("article", { name: "Fix login" });
    await userEvent.click(within(card).getByRole("button", { name: "Start" }));

    expect(api.task).toHaveBeenCalledWith(task.id);
    const moved = await within(column("Review")).findByRole("article", { name: "Fix login" });
    expect(within(column("To do")).queryByRole("article")).not.toBeInTheDocument();
    expect(within(moved).queryByRole("button", { name: "Start" })).not.toBeInTheDocument();
    expect(
      screen.getByText(/“Fix login” had changed: The task is no longer in To do\./),
    ).toBeVisible();
  });

  it("gives narrow screens a Board / Assistant switch that keeps both mounted", async () => {
    vi.stubGlobal("matchMedia", (query: string) => ({
      matches: query === NARROW_QUERY,
      media: query,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    await renderApp(fakeApi([makeTask({ title: "Fix login" })]));
    const boardTab = screen.getByRole("tab", { name: "Board" });
    const assistantTab = screen.getByRole("tab", { name: "Assistant" });
    expect(boardTab).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("region", { name: "Board" })).toBeVisible();
    expect(screen.getByRole("region", { name: "Assistant", hidden: true })).not.toBeVisible();

    await userEvent.click(assistantTab);
    expect(assistantTab).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel", { name: "Assistant" })).toBeVisible();
    expect(screen.getByRole("region", { name: "Board", hidden: true })).not.toBeVisible();

    await userEvent.keyboard("{ArrowLeft}");
    expect(boardTab).toHaveAttribute("aria-selected", "true");
    expect(boardTab).toHaveFocus();
  });

  it("shows no switch on wide screens", async () => {
    await renderApp(fakeApi([makeTask({ title: "Fix login" })]));
    await screen.findByRole("article", { name: "Fix login" });
    expect(screen.queryByRole("tablist")).not.toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Assistant" })).toBeVisible();
  });

  it("applies changes pushed over the board socket, and reports the socket live", async () => {
    const task = makeTask({ title: "Fix login", status: "todo" });
    const socket = await renderApp(fakeApi([task]));
    await screen.findByRole("article", { name: "Fix login" });
    expect(screen.getByText("Live")).toBeInTheDocument();

    const created = makeTask({ title: "Pushed task", status: "review" });
    act(() => {
      socket.onmessage?.({
        data: JSON.stringify({
          type: "task.changed",
          task: { ...task, status: "done", updated_at: "2026-03-01T00:00:00Z" },
        }),
      });
      socket.onmessage?.({ data: JSON.stringify({ type: "task.changed", task: created }) });
    });
    expect(within(column("Done")).getByRole("article", { name: "Fix login" })).toBeVisible();
    expect(within(column("Review")).getByRole("article", { name: "Pushed task" })).toBeVisible();

    act(() => {
      socket.onmessage?.({ data: JSON.stringify({ type: "task.deleted", id: created.id }) });
    });
    expect(screen.queryByRole("article", { name: "Pushed task" })).not.toBeInTheDocument();
  });

  it("reloads the board after the socket reconnects", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = fakeApi([makeTask()]);
      const first = await renderApp(api);
      expect(api.allTasks).toHaveBeenCalledTimes(1);
      act(() => {
        first.onclose?.({ code: 1006 });
      });
      expect(screen.getByText("Reconnecting…")).toBeInTheDocument();
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1000);
      });
      const second = FakeWebSocket.latest();
      expect(second).not.toBe(first);
      // Opening reloads the board: let that load finish inside act, as a user would see it.
      await act(async () => {
        second.onopen?.();
        await Promise.resolve();
      });
      expect(api.allTasks).toHaveBeenCalledTimes(2);
      expect(screen.getByText("Live")).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it("says so when the tasks cannot be loaded, and retries on request", async () => {
    const api = fakeApi([]);
    api.allTasks.mockRejectedValueOnce(new Error("The server answered 502."));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await renderApp(api);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load tasks: The server answered 502.");
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(api.allTasks).toHaveBeenCalledTimes(2);
    expect(await screen.findAllByText("No tasks")).toHaveLength(4);
  });
});
