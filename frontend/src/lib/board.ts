import {
  NO_FILTERS,
  STATUSES,
  type BoardMessage,
  type Task,
  type TaskFilters,
  type TaskStatus,
  type Transition,
  type UserRef,
} from "./types";

export interface BoardState {
  tasks: Task[];
  filters: TaskFilters;
  loaded: boolean;
  /** Every assignee seen so far, so the assignee filter keeps its choices while filtered. */
  people: Record<number, UserRef>;
}

export type BoardAction =
  { type: "loaded"; tasks: Task[] } | { type: "filtered"; filters: TaskFilters } | BoardMessage;

export const initialBoardState: BoardState = {
  tasks: [],
  filters: NO_FILTERS,
  loaded: false,
  people: {},
};

/**
 * Mirrors the API's filters (title/description contains, exact priority and
 * assignee) so a pushed change lands on, or leaves, a filtered board the same
 * way a reload would.
 */
export function matchesFilters(task: Task, filters: TaskFilters): boolean {
  const q = filters.q.trim().toLowerCase();
  if (q && !`${task.title}\n${task.description}`.toLowerCase().includes(q)) {
    return false;
  }
  if (filters.priority && task.priority !== filters.priority) {
    return false;
  }
  if (filters.assignee !== null && task.assignee?.id !== filters.assignee) {
    return false;
  }
  return true;
}

function upsert(tasks: Task[], task: Task): Task[] {
  const index = tasks.findIndex((t) => t.id === task.id);
  if (index === -1) {
    return [...tasks, task];
  }
  const current = tasks[index];
  // Socket messages and API answers can cross; never let an older copy win.
  if (current && Date.parse(current.updated_at) > Date.parse(task.updated_at)) {
    return tasks;
  }
  const next = tasks.slice();
  next[index] = task;
  return next;
}

function withPeople(people: Record<number, UserRef>, tasks: Task[]): Record<number, UserRef> {
  const assignees = tasks.flatMap((task) => (task.assignee ? [task.assignee] : []));
  if (assignees.every((person) => people[person.id]?.display_name === person.display_name)) {
    return people;
  }
  const next = { ...people };
  for (const person of assignees) next[person.id] = person;
  return next;
}

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "loaded":
      return {
        ...state,
        tasks: action.tasks,
        loaded: true,
        people: withPeople(state.people, action.tasks),
      };
    case "filtered":
      return { ...state, filters: action.filters };
    case "task.changed": {
      const people = withPeople(state.people, [action.task]);
      if (matchesFilters(action.task, state.filters)) {
        return { ...state, tasks: upsert(state.tasks, action.task), people };
      }
      return { ...state, tasks: state.tasks.filter((t) => t.id !== action.task.id), people };
    }
    case "task.deleted":
      return { ...state, tasks: state.tasks.filter((t) => t.id !== action.id) };
  }
}

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Within a column: most urgent first (priority, then nearest due date, then oldest). */
export function compareTasks(a: Task, b: Task): number {
  const byPriority = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (byPriority !== 0) return byPriority;
  if (a.due_date !== b.due_date) {
    if (a.due_date === null) return 1;
    if (b.due_date === null) return -1;
    return a.due_date < b.due_date ? -1 : 1;
  }
  return a.id - b.id;
}

export function tasksByStatus(tasks: Task[]): Record<TaskStatus, Task[]> {
  const columns = Object.fromEntries(STATUSES.map((s) => [s, [] as Task[]])) as Record<
    TaskStatus,
    Task[]
  >;
  for (const task of tasks) {
    columns[task.status].push(task);
  }
  for (const status of STATUSES) {
    columns[status].sort(compareTasks);
  }
  return columns;
}

/** The buttons a card shows: the user's transitions that start from the task's status. */
export function transitionsFor(task: Task, transitions: Transition[]): Transition[] {
  return transitions.filter((t) => t.from_status === task.status);
}

/** Today as YYYY-MM-DD in local time, the form due dates use. */
export function localToday(now: Date = new Date()): string {
  const month = String(now.getMonth() + 1).padStart(2, "0");
  const day = String(now.getDate()).padStart(2, "0");
  return `${now.getFullYear()}-${month}-${day}`;
}

export function isOverdue(task: Task, today: string): boolean {
  return task.due_date !== null && task.status !== "done" && task.due_date < today;
}

export function formatDueDate(dueDate: string, locale?: string): string {
  const [year, month, day] = dueDate.split("-").map(Number);
  if (!year || !month || !day) return dueDate;
  return new Date(year, month - 1, day).toLocaleDateString(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

export function hasFilters(filters: TaskFilters): boolean {
  return filters.q.trim() !== "" || filters.priority !== "" || filters.assignee !== null;
}

/** People for the assignee filter: the signed-in user first, then by name. */
export function sortPeople(people: Iterable<UserRef>, meId: number | null): UserRef[] {
  return [...people].sort((a, b) => {
    if (a.id === meId) return -1;
    if (b.id === meId) return 1;
    return a.display_name.localeCompare(b.display_name);
  });
}
