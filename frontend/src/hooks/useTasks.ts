import { startTransition, useCallback, useEffect, useReducer, useRef, useState } from "react";

import { ApiError, type Api } from "../lib/api";
import { boardReducer, initialBoardState } from "../lib/board";
import type { BoardMessage, Task, TaskFilters, UserRef } from "../lib/types";

export interface UseTasks {
  tasks: Task[];
  filters: TaskFilters;
  loaded: boolean;
  people: Record<number, UserRef>;
  loadError: string | null;
  /** Why a card just moved on its own: its move was refused because the task had changed. */
  notice: string | null;
  dismissNotice: () => void;
  setFilters: (filters: TaskFilters) => void;
  refresh: () => void;
  /** Reload one task's card (gone from the board if it no longer exists). */
  refreshTask: (taskId: number) => void;
  applyMessage: (message: BoardMessage) => void;
  transition: (task: Task, action: string) => Promise<Task>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The board's tasks: loaded through the API with the current filters, patched by socket messages. */
export function useTasks(api: Api): UseTasks {
  const [state, dispatch] = useReducer(boardReducer, initialBoardState);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const latestRequest = useRef(0);
  const filtersRef = useRef<TaskFilters>(initialBoardState.filters);

  const load = useCallback(
    async (filters: TaskFilters) => {
      // Only the newest request may write: an older, slower answer would undo a filter change.
      const request = ++latestRequest.current;
      try {
        const tasks = await api.allTasks(filters);
        if (request === latestRequest.current) {
          dispatch({ type: "loaded", tasks });
          setLoadError(null);
        }
      } catch (error) {
        console.error("Loading tasks failed", error);
        if (request === latestRequest.current) {
          setLoadError(`Could not load tasks: ${describe(error)}`);
        }
      }
    },
    [api],
  );

  useEffect(() => {
    void load(filtersRef.current);
  }, [load]);

  const setFilters = useCallback(
    (filters: TaskFilters) => {
      filtersRef.current = filters;
      dispatch({ type: "filtered", filters });
      void load(filters);
    },
    [load],
  );

  const refresh = useCallback(() => {
    void load(filtersRef.current);
  }, [load]);

  const applyMessage = useCallback((message: BoardMessage) => {
    // Not urgent: a change heard from the server waits for what the user is doing
    // (the chat drawing the widget they clicked, typing), not the other way round.
    startTransition(() => {
      dispatch(message);
    });
  }, []);

  // A refused move (409) means the card missed an update: someone else moved the task.
  // Fetch it, so the card goes to its real column with the buttons that apply there.
  const reload = useCallback(
    async (taskId: number) => {
      try {
        dispatch({ type: "task.changed", task: await api.task(taskId) });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          dispatch({ type: "task.deleted", id: taskId });
        } else {
          console.error("Reloading the task failed", error);
        }
      }
    },
    [api],
  );

  const refreshTask = useCallback(
    (taskId: number) => {
      void reload(taskId);
    },
    [reload],
  );

  const transition = useCallback(
    async (task: Task, action: string) => {
      let updated: Task;
      setNotice(null);
      try {
        updated = await api.transition(task.id, action);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          await reload(task.id);
          setNotice(
            `“${task.title}” had changed: ${error.message} The board now shows it as it is.`,
          );
        }
        throw error;
      }
      dispatch({ type: "task.changed", task: updated });
      return updated;
    },
    [api, reload],
  );

  const dismissNotice = useCallback(() => {
    setNotice(null);
  }, []);

  return {
    tasks: state.tasks,
    filters: state.filters,
    loaded: state.loaded,
    people: state.people,
    loadError,
    notice,
    dismissNotice,
    setFilters,
    refresh,
    refreshTask,
    applyMessage,
    transition,
  };
}
