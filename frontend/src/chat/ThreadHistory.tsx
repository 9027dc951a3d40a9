import { useCallback, useEffect, useRef, useState } from "react";

import { ShellIcon } from "./ShellIcon";
import type { Page, Thread } from "./types";

export interface ThreadHistoryProps {
  currentThreadId: string | null;
  showRename: boolean;
  showDelete: boolean;
  listThreads: (after?: string | null) => Promise<Page<Thread>>;
  renameThread: (threadId: string, title: string) => Promise<Thread>;
  deleteThread: (threadId: string) => Promise<void>;
  onOpen: (threadId: string) => void;
  onError: (error: unknown) => void;
}

export function threadTitle(thread: Pick<Thread, "title">): string {
  return thread.title?.trim() || "New chat";
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? ""
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The user's threads, newest first (`threads.list`, paged): open, rename, delete. */
export function ThreadHistory(props: ThreadHistoryProps) {
  const { listThreads, renameThread, deleteThread, onOpen, onError } = props;
  const [threads, setThreads] = useState<Thread[]>([]);
  const [after, setAfter] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  // The thread whose delete waits for a yes, and where focus goes when it is answered.
  const [confirming, setConfirming] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const focusAfter = useRef<{ id: string; control: "delete" | "open" } | null>(null);

  useEffect(() => {
    const target = focusAfter.current;
    if (!target || !listRef.current) return;
    focusAfter.current = null;
    const row = listRef.current.querySelector<HTMLElement>(
      `[data-thread-id="${CSS.escape(target.id)}"]`,
    );
    row?.querySelector<HTMLElement>(`[data-control="${target.control}"]`)?.focus();
  });

  const apply = useCallback((page: Page<Thread>, cursor: string | null) => {
    setThreads((current) => (cursor ? [...current, ...page.data] : page.data));
    setAfter(page.after);
    setHasMore(page.has_more);
    setLoading(false);
  }, []);

  useEffect(() => {
    let current = true;
    listThreads(null).then(
      (page) => {
        if (current) apply(page, null);
      },
      (error: unknown) => {
        if (!current) return;
        setLoading(false);
        onError(error);
      },
    );
    return () => {
      current = false;
    };
  }, [listThreads, apply, onError]);

  const loadOlder = async () => {
    setLoading(true);
    try {
      apply(await listThreads(after), after);
    } catch (error) {
      setLoading(false);
      onError(error);
    }
  };

  const saveRename = async (thread: Thread) => {
    const title = draft.trim();
    setEditing(null);
    if (!title || title === thread.title) return;
    try {
      const updated = await renameThread(thread.id, title);
      setThreads((current) =>
        current.map((other) =>
          other.id === thread.id ? { ...other, title: updated.title } : other,
        ),
      );
    } catch (error) {
      onError(error);
    }
  };

  const cancelDelete = (thread: Thread) => {
    setConfirming(null);
    focusAfter.current = { id: thread.id, control: "delete" };
  };

  const remove = async (thread: Thread) => {
    setConfirming(null);
    try {
      await deleteThread(thread.id);
      const index = threads.findIndex((other) => other.id === thread.id);
      const next = threads[index + 1] ?? threads[index - 1];
      if (next) focusAfter.current = { id: next.id, control: "open" };
      setThreads((current) => current.filter((other) => other.id !== thread.id));
    } catch (error) {
      onError(error);
    }
  };

  return (
    <nav className="chat-history" aria-label="Chat history">
      {!loading && threads.length === 0 && <p className="chat-history__empty">No chats yet.</p>}
      <ul ref={listRef} className="chat-history__list">
        {threads.map((thread) => (
          <li
            key={thread.id}
            className="chat-history__row"
            data-thread-id={thread.id}
            aria-current={thread.id === props.currentThreadId ? "true" : undefined}
          >
            {confirming === thread.id ? (
              <div
                className="chat-history__confirm"
                role="group"
                aria-label={`Delete “${threadTitle(thread)}”?`}
                onKeyDown={(event) => {
                  if (event.key === "Escape") {
                    event.stopPropagation();
                    cancelDelete(thread);
                  }
                }}
              >
                <span className="chat-history__question">
                  Delete “{threadTitle(thread)}”? This cannot be undone.
                </span>
                <button
                  type="button"
                  className="chat-button chat-button--danger"
                  onClick={() => void remove(thread)}
                >
                  Delete
                </button>
                <button
                  type="button"
                  className="chat-button"
                  // The safe answer is where focus lands.
                  autoFocus
                  onClick={() => {
                    cancelDelete(thread);
                  }}
                >
                  Cancel
                </button>
              </div>
            ) : editing === thread.id ? (
              <input
                className="chat-history__rename"
                aria-label="Chat title"
                value={draft}
                // The field appears because the user asked to rename: take them there.
                autoFocus
                onChange={(event) => {
                  setDraft(event.target.value);
                }}
                onKeyDown={(event) => {
                  if (event.key === "Enter") {
                    event.preventDefault();
                    void saveRename(thread);
                  } else if (event.key === "Escape") {
                    setEditing(null);
                  }
                }}
                onBlur={() => void saveRename(thread)}
              />
            ) : (
              <button
                type="button"
                className="chat-history__open"
                data-control="open"
                onClick={() => {
                  onOpen(thread.id);
                }}
              >
                <span className="chat-history__title">{threadTitle(thread)}</span>
                <span className="chat-history__date">{formatDate(thread.created_at)}</span>
              </button>
            )}
            {props.showRename && editing !== thread.id && confirming !== thread.id && (
              <button
                type="button"
                className="chat-icon-button"
                aria-label={`Rename “${threadTitle(thread)}”`}
                onClick={() => {
                  setDraft(thread.title ?? "");
                  setEditing(thread.id);
                }}
              >
                <ShellIcon name="edit" />
              </button>
            )}
            {props.showDelete && confirming !== thread.id && (
              <button
                type="button"
                className="chat-icon-button"
                data-control="delete"
                aria-label={`Delete “${threadTitle(thread)}”`}
                onClick={() => {
                  setEditing(null);
                  setConfirming(thread.id);
                }}
              >
                <ShellIcon name="trash" />
              </button>
            )}
          </li>
        ))}
      </ul>
      {loading && (
        <p className="chat-history__loading" role="status">
          Loading chats…
        </p>
      )}
      {hasMore && !loading && (
        <button type="button" className="chat-button" onClick={() => void loadOlder()}>
          Show older chats
        </button>
      )}
    </nav>
  );
}
