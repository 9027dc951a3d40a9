import { useMemo } from "react";

import { localToday, tasksByStatus } from "../lib/board";
import { STATUSES, type Task, type TaskFilters, type Transition, type UserRef } from "../lib/types";
import { BoardColumn } from "./BoardColumn";
import { FilterBar } from "./FilterBar";

export interface BoardPanelProps {
  tasks: Task[];
  filters: TaskFilters;
  loaded: boolean;
  loadError: string | null;
  notice?: string | null;
  onDismissNotice?: () => void;
  transitions: Transition[];
  people: UserRef[];
  meId: number | null;
  selectedTaskId: number | null;
  onFiltersChange: (filters: TaskFilters) => void;
  onTransition: (task: Task, action: string) => Promise<unknown>;
  onRetry: () => void;
}

export function BoardPanel(props: BoardPanelProps) {
  const columns = useMemo(() => tasksByStatus(props.tasks), [props.tasks]);
  const today = localToday();

  return (
    <section className="board-panel" aria-labelledby="board-heading">
      <div className="board-panel__top">
        <h1 id="board-heading" className="board-panel__heading">
          Board
        </h1>
        <FilterBar
          filters={props.filters}
          people={props.people}
          meId={props.meId}
          shown={props.tasks.length}
          onChange={props.onFiltersChange}
        />
      </div>
      {props.loadError && (
        <div className="banner banner--error" role="alert">
          <span>{props.loadError}</span>
          <button type="button" className="button" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      )}
      {props.notice && (
        <div className="banner banner--notice" role="status">
          <span>{props.notice}</span>
          <button type="button" className="button button--quiet" onClick={props.onDismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <div className="board-columns">
        {STATUSES.map((status) => (
          <BoardColumn
            key={status}
            status={status}
            tasks={columns[status]}
            transitions={props.transitions}
            selectedTaskId={props.selectedTaskId}
            loaded={props.loaded}
            today={today}
            onTransition={props.onTransition}
          />
        ))}
      </div>
    </section>
  );
}
