import type { Me, Task, Transition } from "../lib/types";

let nextId = 100;

export function makeTask(overrides: Partial<Task> = {}): Task {
  nextId += 1;
  return {
    id: nextId,
    title: `Task ${nextId}`,
    description: "",
    status: "todo",
    priority: "medium",
    assignee: null,
    due_date: null,
    created_by: { id: 1, username: "alice", display_name: "Alice Approver" },
    created_at: "2026-01-01T10:00:00Z",
    updated_at: "2026-01-01T10:00:00Z",
    ...overrides,
  };
}

export const MEMBER_TRANSITIONS: Transition[] = [
  { action: "start", label: "Start", from_status: "todo", to_status: "in_progress" },
  {
    action: "submit",
    label: "Submit for review",
    from_status: "in_progress",
    to_status: "review",
  },
];

export const APPROVER_TRANSITIONS: Transition[] = [
  ...MEMBER_TRANSITIONS,
  { action: "approve", label: "Approve", from_status: "review", to_status: "done" },
  { action: "reject", label: "Reject", from_status: "review", to_status: "in_progress" },
  { action: "reopen", label: "Reopen", from_status: "done", to_status: "todo" },
];

export const BOB = { id: 2, username: "bob", display_name: "Bob Member" };

export function makeMe(overrides: Partial<Me> = {}): Me {
  return {
    id: 1,
    username: "alice",
    display_name: "Alice Approver",
    can_approve: true,
    transitions: APPROVER_TRANSITIONS,
    ...overrides,
  };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export const silentLogger = () => ({
  error: vi.fn(),
  warn: vi.fn(),
  debug: vi.fn(),
});
