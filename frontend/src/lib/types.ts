/** Shapes of the JSON API and the board socket (taskboard/schemas.py). */

export const STATUSES = ["todo", "in_progress", "review", "done"] as const;
export type TaskStatus = (typeof STATUSES)[number];

export const PRIORITIES = ["low", "medium", "high"] as const;
export type TaskPriority = (typeof PRIORITIES)[number];

export const STATUS_LABELS: Record<TaskStatus, string> = {
  todo: "To do",
  in_progress: "In progress",
  review: "Review",
  done: "Done",
};

export const PRIORITY_LABELS: Record<TaskPriority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
};

export interface UserRef {
  id: number;
  username: string;
  display_name: string;
}

export interface Task {
  id: number;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  assignee: UserRef | null;
  due_date: string | null;
  created_by: UserRef | null;
  created_at: string;
  updated_at: string;
}

export interface Transition {
  action: string;
  label: string;
  from_status: string;
  to_status: string;
}

export interface Me extends UserRef {
  can_approve: boolean;
  transitions: Transition[];
}

export interface TaskPage {
  items: Task[];
  count: number;
}

export type BoardMessage =
  { type: "task.changed"; task: Task } | { type: "task.deleted"; id: number };

/** Filters the board sends to GET /api/tasks; empty values mean "any". */
export interface TaskFilters {
  q: string;
  priority: TaskPriority | "";
  assignee: number | null;
}

export const NO_FILTERS: TaskFilters = { q: "", priority: "", assignee: null };
