import { transitionsFor } from "../lib/board";
import { STATUS_LABELS, type Task, type TaskStatus, type Transition } from "../lib/types";
import { TaskCard } from "./TaskCard";

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
              <TaskCard
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
