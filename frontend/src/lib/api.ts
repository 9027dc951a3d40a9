import { createCsrfFetch } from "./csrf";
import type { Me, Task, TaskFilters, TaskPage } from "./types";

/** An API answer that was not 2xx, with the message the server gave. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

interface ValidationDetail {
  loc?: unknown[];
  msg?: string;
}

/** Turns Django Ninja's error bodies ({detail: str} or {detail: [{loc, msg}]}) into one sentence. */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === "object" && "detail" in body) {
    const detail = body.detail;
    if (typeof detail === "string" && detail) {
      return detail;
    }
    if (Array.isArray(detail) && detail.length > 0) {
      return (detail as ValidationDetail[])
        .map((item) => {
          const field = Array.isArray(item.loc) ? item.loc[item.loc.length - 1] : undefined;
          const msg = item.msg ?? "is invalid";
          return typeof field === "string" && field !== "body" ? `${field}: ${msg}` : msg;
        })
        .join("; ");
    }
  }
  if (status === 401 || status === 403) {
    return "You are signed out or not allowed to do this. Reload the page to sign in again.";
  }
  return `The server answered ${status}.`;
}

export interface EntityResult {
  id: string;
  title: string;
  group?: string;
  icon?: string;
  interactive?: boolean;
  data?: Record<string, unknown>;
}

export interface Api {
  me(): Promise<Me>;
  listTasks(filters: TaskFilters, page?: { limit: number; offset: number }): Promise<TaskPage>;
  allTasks(filters: TaskFilters): Promise<Task[]>;
  task(taskId: number): Promise<Task>;
  transition(taskId: number, action: string): Promise<Task>;
  searchEntities(query: string, signal?: AbortSignal): Promise<EntityResult[]>;
  entityPreview(entityId: string): Promise<{ preview: unknown }>;
}

const PAGE_SIZE = 100;
// A board is for a team's working set; past this many tasks, search narrows it.
const MAX_BOARD_TASKS = 1000;

export function taskQuery(filters: TaskFilters, page: { limit: number; offset: number }): string {
  const params = new URLSearchParams();
  const q = filters.q.trim();
  if (q) params.set("q", q);
  if (filters.priority) params.set("priority", filters.priority);
  if (filters.assignee !== null) params.set("assignee", String(filters.assignee));
  params.set("limit", String(page.limit));
  params.set("offset", String(page.offset));
  return params.toString();
}

export function createApi(fetchImpl: typeof fetch = createCsrfFetch()): Api {
  async function request<T>(path: string, init?: RequestInit): Promise<T> {
    const headers = new Headers(init?.headers);
    headers.set("Accept", "application/json");
    const response = await fetchImpl(path, { ...init, headers });
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!response.ok) {
      throw new ApiError(response.status, errorMessage(response.status, body));
    }
    return body as T;
  }

  const api: Api = {
    me: () => request<Me>("/api/me"),

    listTasks: (filters, page = { limit: PAGE_SIZE, offset: 0 }) =>
      request<TaskPage>(`/api/tasks?${taskQuery(filters, page)}`),

    async allTasks(filters) {
      const tasks: Task[] = [];
      for (let offset = 0; offset < MAX_BOARD_TASKS; offset += PAGE_SIZE) {
        const page = await api.listTasks(filters, { limit: PAGE_SIZE, offset });
        tasks.push(...page.items);
        if (page.items.length === 0 || tasks.length >= page.count) break;
      }
      return tasks;
    },

    task: (taskId) => request<Task>(`/api/tasks/${taskId}`),

    transition: (taskId, action) =>
      request<Task>(`/api/tasks/${taskId}/transitions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ action }),
      }),

    searchEntities: (query, signal) =>
      request<EntityResult[]>(`/api/entities?${new URLSearchParams({ q: query }).toString()}`, {
        signal: signal ?? null,
      }),

    entityPreview: (entityId) =>
      request<{ preview: unknown }>(`/api/entities/${encodeURIComponent(entityId)}/preview`),
  };
  return api;
}
