import { useEffect, useRef, useState } from "react";

import { formatDueDate, isOverdue } from "../lib/board";
import { PRIORITY_LABELS, type Task, type Transition } from "../lib/types";

export interface TaskCardProps {
  task: Task;
  transitions: Transition[];
  selected: boolean;
  today: string;
  onTransition: (task: Task, action: string) => Promise<unknown>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : "The change failed.";
}

export function TaskCard({ task, transitions, selected, today, onTransition }: TaskCardProps) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cardRef = useRef<HTMLElement>(null);
  const titleId = `task-${task.id}-title`;
  const overdue = isOverdue(task, today);

  useEffect(() => {
    if (selected) {
      cardRef.current?.scrollIntoView({ behavior: "smooth", block: "center" });
    }
  }, [selected]);

  async function run(action: string): Promise<void> {
    setPending(action);
    setError(null);
    try {
      await onTransition(task, action);
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setPending(null);
    }
  }

  return (
    <article
      ref={cardRef}
      className={`task-card priority-${task.priority}${selected ? " is-selected" : ""}`}
      aria-labelledby={titleId}
      aria-current={selected ? "true" : undefined}
      data-task-id={task.id}
    >
      <div className="task-card__header">
        <h3 id={titleId} className="task-card__title">
          {task.title}
        </h3>
        <span className="task-card__id">#{task.id}</span>
      </div>
      <dl className="task-card__meta">
        <div>
          <dt className="visually-hidden">Priority</dt>
          <dd>
            <span className={`badge badge--${task.priority}`}>
              {PRIORITY_LABELS[task.priority]}
            </span>
          </dd>
        </div>
        <div>
          <dt className="visually-hidden">Assignee</dt>
          <dd className={task.assignee ? "assignee" : "assignee assignee--none"}>
            {task.assignee ? task.assignee.display_name : "Unassigned"}
          </dd>
        </div>
        {task.due_date && (
          <div>
            <dt className="visually-hidden">Due</dt>
            <dd className={overdue ? "due due--overdue" : "due"}>
              <time dateTime={task.due_date}>Due {formatDueDate(task.due_date)}</time>
              {overdue && <span className="due__flag"> · overdue</span>}
            </dd>
          </div>
        )}
      </dl>
      {transitions.length > 0 && (
        <div className="task-card__actions">
          {transitions.map((transition) => (
            <button
              key={transition.action}
              type="button"
              className={`button button--${transition.action}`}
              disabled={pending !== null}
              aria-describedby={titleId}
              onClick={() => {
                void run(transition.action);
              }}
            >
              {pending === transition.action ? `${transition.label}…` : transition.label}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="task-card__error" role="alert">
          {error}
        </p>
      )}
    </article>
  );
}
