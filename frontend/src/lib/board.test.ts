import { BOB, MEMBER_TRANSITIONS, APPROVER_TRANSITIONS, makeTask } from "../test/fixtures";
import {
  boardReducer,
  compareTasks,
  initialBoardState,
  isOverdue,
  localToday,
  matchesFilters,
  sortPeople,
  tasksByStatus,
  transitionsFor,
  type BoardState,
} from "./board";
import { NO_FILTERS } from "./types";

function loaded(...tasks: ReturnType<typeof makeTask>[]): BoardState {
  return boardReducer(initialBoardState, { type: "loaded", tasks });
}

describe("boardReducer", () => {
  it("replaces the tasks when a load finishes", () => {
    const state = loaded(makeTask(), makeTask());
    expect(state.loaded).toBe(true);
    expect(state.tasks).toHaveLength(2);
  });

  it("moves a changed task to its new status", () => {
    const task = makeTask({ status: "todo" });
    const moved = { ...task, status: "in_progress" as const, updated_at: "2026-01-02T00:00:00Z" };
    const state = boardReducer(loaded(task), { type: "task.changed", task: moved });
    expect(tasksByStatus(state.tasks).in_progress.map((t) => t.id)).toEqual([task.id]);
    expect(tasksByStatus(state.tasks).todo).toEqual([]);
  });

  it("adds a task it has not seen", () => {
    const state = boardReducer(loaded(makeTask()), { type: "task.changed", task: makeTask() });
    expect(state.tasks).toHaveLength(2);
  });

  it("keeps the newer copy when an older one arrives late", () => {
    const newer = makeTask({ status: "review", updated_at: "2026-01-03T00:00:00Z" });
    const older = { ...newer, status: "in_progress" as const, updated_at: "2026-01-02T00:00:00Z" };
    const state = boardReducer(loaded(newer), { type: "task.changed", task: older });
    expect(state.tasks[0]?.status).toBe("review");
  });

  it("drops a changed task that no longer matches the filter, and adds one that now does", () => {
    const task = makeTask({ title: "Fix login", priority: "high" });
    let state = boardReducer(loaded(task), {
      type: "filtered",
      filters: { ...NO_FILTERS, priority: "high" },
    });
    state = boardReducer(state, { type: "task.changed", task: { ...task, priority: "low" } });
    expect(state.tasks).toEqual([]);
    const other = makeTask({ priority: "high" });
    state = boardReducer(state, { type: "task.changed", task: other });
    expect(state.tasks.map((t) => t.id)).toEqual([other.id]);
  });

  it("removes a deleted task", () => {
    const [a, b] = [makeTask(), makeTask()];
    const state = boardReducer(loaded(a, b), { type: "task.deleted", id: a.id });
    expect(state.tasks.map((t) => t.id)).toEqual([b.id]);
  });

  it("remembers every assignee seen, even after a filter hides their tasks", () => {
    let state = loaded(makeTask({ assignee: BOB }), makeTask());
    state = boardReducer(state, { type: "loaded", tasks: [] });
    expect(state.people).toEqual({ [BOB.id]: BOB });
  });
});

describe("matchesFilters", () => {
  const task = makeTask({
    title: "Rate-limit the API",
    description: "Per-token limits",
    priority: "high",
    assignee: BOB,
  });

  it("searches title and description, ignoring case and surrounding spaces", () => {
    expect(matchesFilters(task, { ...NO_FILTERS, q: " rate-LIMIT " })).toBe(true);
    expect(matchesFilters(task, { ...NO_FILTERS, q: "per-token" })).toBe(true);
    expect(matchesFilters(task, { ...NO_FILTERS, q: "pricing" })).toBe(false);
  });

  it("filters by exact priority and assignee", () => {
    expect(matchesFilters(task, { ...NO_FILTERS, priority: "high", assignee: BOB.id })).toBe(true);
    expect(matchesFilters(task, { ...NO_FILTERS, priority: "low" })).toBe(false);
    expect(matchesFilters(task, { ...NO_FILTERS, assignee: 99 })).toBe(false);
    expect(matchesFilters({ ...task, assignee: null }, { ...NO_FILTERS, assignee: 2 })).toBe(false);
  });
});

describe("tasksByStatus", () => {
  it("puts every status in its column, most urgent first", () => {
    const low = makeTask({ priority: "low" });
    const highLate = makeTask({ priority: "high", due_date: "2026-05-02" });
    const highSoon = makeTask({ priority: "high", due_date: "2026-05-01" });
    const highUndated = makeTask({ priority: "high" });
    const done = makeTask({ status: "done" });
    const columns = tasksByStatus([low, highUndated, highLate, done, highSoon]);
    expect(columns.todo.map((t) => t.id)).toEqual([
      highSoon.id,
      highLate.id,
      highUndated.id,
      low.id,
    ]);
    expect(columns.done).toEqual([done]);
    expect(columns.in_progress).toEqual([]);
    expect(columns.review).toEqual([]);
  });

  it("orders equal tasks by id so the board does not shuffle", () => {
    const [a, b] = [makeTask(), makeTask()];
    expect(compareTasks(a, b)).toBeLessThan(0);
  });
});

describe("transitionsFor", () => {
  it("offers the user's transitions from the task's status only", () => {
    const review = makeTask({ status: "review" });
    expect(transitionsFor(review, APPROVER_TRANSITIONS).map((t) => t.action)).toEqual([
      "approve",
      "reject",
    ]);
    expect(transitionsFor(review, MEMBER_TRANSITIONS)).toEqual([]);
  });
});

describe("dates", () => {
  it("formats today in local time", () => {
    expect(localToday(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });

  it("flags open tasks past their due date, never done ones", () => {
    expect(isOverdue(makeTask({ due_date: "2026-01-04" }), "2026-01-05")).toBe(true);
    expect(isOverdue(makeTask({ due_date: "2026-01-05" }), "2026-01-05")).toBe(false);
    expect(isOverdue(makeTask({ due_date: "2026-01-04", status: "done" }), "2026-01-05")).toBe(
      false,
    );
    expect(isOverdue(makeTask(), "2026-01-05")).toBe(false);
  });
});

describe("sortPeople", () => {
  it("lists the signed-in user first, then by name", () => {
    const people = [
      { id: 3, username: "zed", display_name: "Zed" },
      BOB,
      { id: 1, username: "alice", display_name: "Alice" },
    ];
    expect(sortPeople(people, 3).map((p) => p.id)).toEqual([3, 1, 2]);
  });
});
