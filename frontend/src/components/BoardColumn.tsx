import { memo } from "react";

import { transitionsFor } from "../lib/board";
import { STATUS_LABELS, type Task, type TaskStatus, type Transition } from "../lib/types";
import { TaskCard, type TaskCardProps } from "./TaskCard";

function sameCard(before: TaskCardProps, after: TaskCardProps): boolean {
  return (
    before.task === after.task &&
    before.selected === after.selected &&
    before.today === after.today &&
    before.onTransition === after.onTransition &&
    before.transitions.length === after.transitions.length &&
    before.transitions.every((transition, index) => transition === after.transitions[index])
  );
}

/**
 * A card renders again only when what it shows changed: a socket message about one
 * task re-renders that card, not the thousand others (which would hold up the chat's
 * answer on the same page for a tenth of a second).
 */
const BoardCard = memo(TaskCard, sameCard);

export interface BoardColumnProps {
  status: TaskStatus;
  tasks: Task[];
  transitions: Transition[];
  selectedTaskId: number | null;
  loaded: boolean;
  today: string;
  onTransition: (task: Task, action: string) => Promise<unknown>;
}

export function BoardColumn(props: BoardColumnProps) {
  const { status, tasks, loaded } = props;
  const headingId = `column-${status}`;
  return (
    <section className={`board-column board-column--${status}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="board-column__heading">
        <span>{STATUS_LABELS[status]}</span>
        <span className="board-column__count">
          {tasks.length}
          <span className="visually-hidden">{tasks.length === 1 ? " task" : " tasks"}</span>
        </span>
      </h2>
      {tasks.length === 0 ? (
        <p className="board-column__empty">{loaded ? "No tasks" : "Loading…"}</p>
      ) : (
        <ul className="board-column__list">
          {tasks.map((task) => (
            <li key={task.id}>
              <BoardCard
                task={task}
                transitions={transitionsFor(task, props.transitions)}
                selected={task.id === props.selectedTaskId}
                today={props.today}
                onTransition={props.onTransition}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
