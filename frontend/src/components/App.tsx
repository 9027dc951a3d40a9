import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { useBoardSocket } from "../hooks/useBoardSocket";
import { useMediaQuery } from "../hooks/useMediaQuery";
import { useTasks } from "../hooks/useTasks";
import type { Api } from "../lib/api";
import { hasFilters, sortPeople } from "../lib/board";
import type { PageConfig } from "../lib/config";
import { NO_FILTERS, type Me, type UserRef } from "../lib/types";
import { BoardPanel } from "./BoardPanel";
import { ChatKitPanel } from "./ChatKitPanel";
import { Header } from "./Header";
import { type AppView, ViewSwitch, panelId, tabId } from "./ViewSwitch";

/** Below this width the board and the assistant take turns (styles.css follows it). */
export const NARROW_QUERY = "(max-width: 720px)";

export interface AppProps {
  api: Api;
  config: PageConfig;
}

export function App({ api, config }: AppProps) {
  const [me, setMe] = useState<Me | null>(null);
  const [meError, setMeError] = useState<string | null>(null);
  const [selectedTaskId, setSelectedTaskId] = useState<number | null>(null);
  const narrow = useMediaQuery(NARROW_QUERY);
  const [view, setView] = useState<AppView>("board");
  const board = useTasks(api);
  const socketStatus = useBoardSocket(board.applyMessage, board.refresh);

  useEffect(() => {
    api.me().then(setMe, (error: unknown) => {
      console.error("Loading the signed-in user failed", error);
      setMeError(error instanceof Error ? error.message : String(error));
    });
  }, [api]);

  const people = useMemo(() => {
    const all: Record<number, UserRef> = { ...board.people };
    if (me) all[me.id] = { id: me.id, username: me.username, display_name: me.display_name };
    return sortPeople(Object.values(all), me?.id ?? null);
  }, [me, board.people]);

  // The chat selects tasks that a filter may be hiding; read the latest board without re-binding.
  const boardRef = useRef(board);
  useEffect(() => {
    boardRef.current = board;
  }, [board]);

  const selectTask = useCallback((taskId: number) => {
    const { tasks, filters, setFilters } = boardRef.current;
    setSelectedTaskId(taskId);
    setView("board");
    if (!tasks.some((task) => task.id === taskId) && hasFilters(filters)) {
      setFilters(NO_FILTERS);
    }
  }, []);

  const { refresh, refreshTask } = board;
  const refreshBoard = useCallback(
    (taskId?: number) => {
      if (taskId === undefined) refresh();
      else refreshTask(taskId);
    },
    [refresh, refreshTask],
  );

  const showAssignee = useCallback((userId: number) => {
    boardRef.current.setFilters({ ...NO_FILTERS, assignee: userId });
    setView("board");
  }, []);

  // On narrow screens each panel is a tab panel; both stay mounted, so the chat keeps
  // its conversation while the board shows.
  function panelProps(panel: AppView) {
    if (!narrow) return { className: "app-view" };
    return {
      className: "app-view",
      role: "tabpanel",
      id: panelId(panel),
      "aria-labelledby": tabId(panel),
      hidden: view !== panel,
    };
  }

  return (
    <div className="app">
      <Header
        displayName={me?.display_name ?? null}
        logoutUrl={config.logoutUrl}
        socketStatus={socketStatus}
        compact={narrow}
      />
      {meError && (
        <div className="banner banner--error" role="alert">
          Could not load your account ({meError}); task buttons are hidden until you reload.
        </div>
      )}
      {narrow && <ViewSwitch view={view} onChange={setView} />}
      <main className="app-main">
        <div {...panelProps("board")}>
          <BoardPanel
            tasks={board.tasks}
            filters={board.filters}
            loaded={board.loaded}
            loadError={board.loadError}
            transitions={me?.transitions ?? []}
            people={people}
            meId={me?.id ?? null}
            selectedTaskId={selectedTaskId}
            onFiltersChange={board.setFilters}
            onTransition={board.transition}
            onRetry={board.refresh}
            notice={board.notice}
            onDismissNotice={board.dismissNotice}
          />
        </div>
        <div {...panelProps("assistant")}>
          <ChatKitPanel
            api={api}
            domainKey={config.domainKey}
            ui={config.chatkitUi}
            selectTask={selectTask}
            showAssignee={showAssignee}
            refreshBoard={refreshBoard}
          />
        </div>
      </main>
    </div>
  );
}
