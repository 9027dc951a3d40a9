/**
 * The built-in panel's session: the only place with React state. It sends
 * requests through the protocol client, feeds every event to the pure reducer,
 * and hands effects, errors and logs to the options' callbacks, as the official
 * panel does.
 */
import type { UseChatKitOptions } from "@openai/chatkit-react";
import { useCallback, useEffect, useMemo, useReducer, useRef } from "react";
import { flushSync } from "react-dom";

import { runWidgetAction } from "./actions";
import { ChatKitHttpError, createChatKitClient, type ChatKitClient } from "./client";
import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./reducer";
import type {
  ActionConfig,
  Action,
  Page,
  StreamingRequest,
  Thread,
  ThreadItem,
  UserMessageContent,
  WidgetItem,
} from "./types";

/** Where the open thread's id survives a reload. */
export const THREAD_STORAGE_KEY = "taskboard.chat.thread";
export const HISTORY_PAGE_SIZE = 20;
/** How many of a thread's latest items are shown when it opens. */
export const THREAD_ITEMS_LIMIT = 100;

export interface SendMessageParams {
  text?: string;
  content?: UserMessageContent[];
  newThread?: boolean;
  toolChoice?: { id: string } | null;
}

export interface ChatSession {
  state: ChatState;
  threadId: string | null;
  sendUserMessage: (params: SendMessageParams) => Promise<void>;
  sendCustomAction: (action: Action, itemId?: string) => Promise<void>;
  runAction: (
    item: WidgetItem,
    action: ActionConfig,
    formValues?: Record<string, unknown>,
  ) => Promise<void>;
  stop: () => void;
  dismissError: () => void;
  dismissNotice: (id: number) => void;
  retryAfterError: () => Promise<void>;
  retryItem: (assistantItemId: string) => Promise<void>;
  feedback: (itemId: string, kind: "positive" | "negative") => Promise<void>;
  setThreadId: (threadId: string | null) => Promise<void>;
  fetchUpdates: () => Promise<void>;
  /** The page of items before the oldest one shown (`items.list`, newest first). */
  loadOlderItems: () => Promise<void>;
  listThreads: (after?: string | null) => Promise<Page<Thread>>;
  renameThread: (threadId: string, title: string) => Promise<Thread>;
  deleteThread: (threadId: string) => Promise<void>;
}

function apiOf(options: UseChatKitOptions): { url: string; fetch: typeof fetch } {
  const { api } = options;
  if (!("url" in api)) {
    throw new Error("The built-in chat panel needs a custom ChatKit server (api.url).");
  }
  return { url: api.url, fetch: api.fetch ?? ((input, init) => fetch(input, init)) };
}

function readStoredThread(): string | null {
  try {
    return window.localStorage.getItem(THREAD_STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeThread(threadId: string | null): void {
  try {
    if (threadId) window.localStorage.setItem(THREAD_STORAGE_KEY, threadId);
    else window.localStorage.removeItem(THREAD_STORAGE_KEY);
  } catch {
    // Storage may be disabled; the thread just will not come back after a reload.
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** The user message an assistant answer responds to: the last one before it. */
export function userMessageBefore(items: readonly ThreadItem[], itemId: string): string | null {
  const index = items.findIndex((item) => item.id === itemId);
  for (let i = (index < 0 ? items.length : index) - 1; i >= 0; i -= 1) {
    const item = items[i];
    if (item?.type === "user_message") return item.id;
  }
  return null;
}

/** The User Timing mark set when a `thread.item.replaced` event arrives. */
export const REPLACED_MARK = "chatkit:thread.item.replaced";

/**
 * Resolves once the browser has painted a frame, or after a short while where no
 * frames run (a hidden tab), so a stream never waits on one.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0);
    });
  });
}

function reduce(state: ChatState, action: ChatAction): ChatState {
  return chatReducer(state, action);
}

export function useChatSession(options: UseChatKitOptions): ChatSession {
  const [state, dispatch] = useReducer(reduce, initialChatState);
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  }, [options]);

  const { url, fetch: fetchImpl } = apiOf(options);
  const client: ChatKitClient = useMemo(
    () => createChatKitClient({ url, fetch: fetchImpl }),
    [url, fetchImpl],
  );

  const threadId = state.thread?.id ?? null;
  const stateRef = useRef(state);
  const threadIdRef = useRef<string | null>(threadId);
  useEffect(() => {
    stateRef.current = state;
    threadIdRef.current = state.thread?.id ?? null;
  }, [state]);

  const controllerRef = useRef<AbortController | null>(null);
  // The last response asked for, until it has ended.
  const queueRef = useRef<Promise<void> | null>(null);
  // What to do when the user presses Retry on an error: see runStream.
  const retryRef = useRef<StreamingRequest | null>(null);
  const loadingRef = useRef(0);
  const optimisticCount = useRef(0);

  const log = useCallback((name: string, data?: Record<string, unknown>) => {
    optionsRef.current.onLog?.({ name, data });
  }, []);

  const reportError = useCallback((error: unknown) => {
    optionsRef.current.onError?.({ error: toError(error) });
  }, []);

  /**
   * Send a streaming request and apply its events. A failure before the server
   * saved the user's message retries the same request; after it, the answer is
   * retried from that message (`threads.retry_after_item`).
   */
  const runStream = useCallback(
    async (request: StreamingRequest): Promise<void> => {
      // One response at a time, as in ChatKit: a request made while an answer
      // streams (a row selected, "Show more") goes after it. With none streaming it
      // leaves at once, in the click's own task, before React draws the click.
      const previous = queueRef.current;
      let release: () => void = () => undefined;
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      queueRef.current = turn;
      if (previous) await previous;
      const controller = new AbortController();
      controllerRef.current = controller;
      retryRef.current = request;
      dispatch({ type: "stream.started" });
      try {
        for await (const event of client.stream(request, controller.signal)) {
          if (event.type === "thread.item.replaced") {
            // When it arrived, for DevTools' timings and the benchmark (bench/panel.py):
            // the latest only, so a long session does not collect them.
            performance.clearMarks(REPLACED_MARK);
            performance.mark(REPLACED_MARK);
            // What the user clicked for (a widget's new state) is drawn at once and
            // painted before the rest of the response (its answer, the stream's end)
            // is rendered: those usually arrive in the same chunk.
            flushSync(() => {
              dispatch({ type: "event", event });
            });
            await afterPaint();
            continue;
          }
          dispatch({ type: "event", event });
          switch (event.type) {
            case "thread.created":
              // Known at once, so a request right after this one goes to the new thread.
              threadIdRef.current = event.thread.id;
              storeThread(event.thread.id);
              break;
            case "thread.item.done":
              if (event.item.type === "user_message") {
                retryRef.current = {
                  type: "threads.retry_after_item",
                  params: { thread_id: event.item.thread_id, item_id: event.item.id },
                };
              }
              break;
            case "client_effect":
              optionsRef.current.onEffect?.({ name: event.name, data: event.data });
              break;
            case "error":
              log("error", { code: event.code, message: event.message ?? null });
              break;
            default:
              break;
          }
        }
      } catch (error) {
        if (!isAbort(error)) {
          const message =
            error instanceof ChatKitHttpError
              ? error.message
              : "The assistant could not be reached. Check the connection and retry.";
          dispatch({ type: "stream.failed", message, allowRetry: true });
          reportError(error);
        }
      } finally {
        if (controllerRef.current === controller) controllerRef.current = null;
        if (queueRef.current === turn) queueRef.current = null;
        dispatch({ type: "stream.ended" });
        release();
      }
    },
    [client, log, reportError],
  );

  const sendUserMessage = useCallback(
    async (params: SendMessageParams): Promise<void> => {
      const content: UserMessageContent[] =
        params.content ?? (params.text ? [{ type: "input_text", text: params.text }] : []);
      if (content.length === 0) return;
      const input = {
        content,
        attachments: [],
        inference_options: { tool_choice: params.toolChoice ?? null },
      };
      const current = params.newThread ? null : threadIdRef.current;
      if (params.newThread) {
        threadIdRef.current = null;
        dispatch({ type: "thread.cleared" });
      }
      optimisticCount.current += 1;
      dispatch({
        type: "item.optimistic",
        item: {
          type: "user_message",
          id: `optimistic_${String(optimisticCount.current)}`,
          thread_id: current ?? "",
          created_at: new Date().toISOString(),
          content,
          attachments: [],
          inference_options: input.inference_options,
        },
      });
      await runStream(
        current
          ? { type: "threads.add_user_message", params: { thread_id: current, input } }
          : { type: "threads.create", params: { input } },
      );
    },
    [runStream],
  );

  const sendCustomAction = useCallback(
    async (action: Action, itemId?: string): Promise<void> => {
      const current = threadIdRef.current;
      if (!current) {
        log("action.dropped", { type: action.type, reason: "no thread" });
        return;
      }
      await runStream({
        type: "threads.custom_action",
        params: { thread_id: current, item_id: itemId ?? null, action },
      });
    },
    [log, runStream],
  );

  const runAction = useCallback(
    async (item: WidgetItem, action: ActionConfig, formValues?: Record<string, unknown>) => {
      try {
        await runWidgetAction({
          action,
          item,
          formValues,
          onAction: optionsRef.current.widgets?.onAction as
            ((action: Action, item: { id: string; widget: unknown }) => Promise<void>) | undefined,
          stream: (wire) => sendCustomAction(wire, item.id),
          sync: async (wire) => {
            const current = threadIdRef.current;
            if (!current) return;
            const response = await client.send({
              type: "threads.sync_custom_action",
              params: { thread_id: current, item_id: item.id, action: wire },
            });
            if (response.updated_item) {
              dispatch({
                type: "event",
                event: { type: "thread.item.replaced", item: response.updated_item },
              });
            }
          },
        });
      } catch (error) {
        reportError(error);
      }
    },
    [client, reportError, sendCustomAction],
  );

  const stop = useCallback(() => {
    if (!stateRef.current.streamOptions.allowCancel) return;
    controllerRef.current?.abort();
    log("response.stop");
  }, [log]);

  const retryAfterError = useCallback(async () => {
    const request = retryRef.current;
    if (!request) return;
    log("error.retry", { type: request.type });
    if (request.type === "threads.retry_after_item") {
      dispatch({ type: "items.truncated", afterItemId: request.params.item_id });
    }
    await runStream(request);
  }, [log, runStream]);

  const retryItem = useCallback(
    async (assistantItemId: string) => {
      const current = threadIdRef.current;
      const userItemId = userMessageBefore(stateRef.current.items, assistantItemId);
      if (!current || !userItemId) return;
      log("message.retry", { itemId: assistantItemId });
      dispatch({ type: "items.truncated", afterItemId: userItemId });
      await runStream({
        type: "threads.retry_after_item",
        params: { thread_id: current, item_id: userItemId },
      });
    },
    [log, runStream],
  );

  const feedback = useCallback(
    async (itemId: string, kind: "positive" | "negative") => {
      const current = threadIdRef.current;
      if (!current) return;
      try {
        await client.send({
          type: "items.feedback",
          params: { thread_id: current, item_ids: [itemId], kind },
        });
        log("message.feedback", { itemId, kind });
      } catch (error) {
        reportError(error);
      }
    },
    [client, log, reportError],
  );

  const loadThread = useCallback(
    async (id: string): Promise<void> => {
      const ticket = ++loadingRef.current;
      try {
        const thread = await client.send({ type: "threads.get_by_id", params: { thread_id: id } });
        const items = await client.send({
          type: "items.list",
          params: { thread_id: id, limit: THREAD_ITEMS_LIMIT, order: "desc" },
        });
        if (ticket !== loadingRef.current) return;
        // The latest items, newest first from items.list; older ones page in on request.
        dispatch({
          type: "thread.loaded",
          thread: { ...thread, items: { data: [], has_more: false, after: null } },
        });
        dispatch({ type: "items.loaded", page: items, order: "desc" });
        threadIdRef.current = id;
        storeThread(id);
      } catch (error) {
        if (ticket !== loadingRef.current) return;
        storeThread(null);
        dispatch({ type: "thread.cleared" });
        if (!(error instanceof ChatKitHttpError && error.status === 404)) reportError(error);
      }
    },
    [client, reportError],
  );

  const setThreadId = useCallback(
    async (id: string | null): Promise<void> => {
      controllerRef.current?.abort();
      retryRef.current = null;
      if (id === null) {
        loadingRef.current += 1;
        storeThread(null);
        threadIdRef.current = null;
        dispatch({ type: "thread.cleared" });
        log("thread.change", { threadId: null });
        return;
      }
      log("thread.change", { threadId: id });
      await loadThread(id);
    },
    [loadThread, log],
  );

  const olderRef = useRef(false);
  const loadOlderItems = useCallback(async () => {
    const id = threadIdRef.current;
    const cursor = stateRef.current.itemsCursor;
    if (!id || !cursor?.hasMore || cursor.order !== "desc" || olderRef.current) return;
    olderRef.current = true;
    const ticket = loadingRef.current;
    try {
      const page = await client.send({
        type: "items.list",
        params: { thread_id: id, limit: THREAD_ITEMS_LIMIT, order: "desc", after: cursor.after },
      });
      // Another thread opened meanwhile: this page is not its.
      if (ticket === loadingRef.current && threadIdRef.current === id) {
        dispatch({ type: "items.loaded", page, order: "desc" });
      }
    } catch (error) {
      reportError(error);
    } finally {
      olderRef.current = false;
    }
  }, [client, reportError]);

  const fetchUpdates = useCallback(async () => {
    const current = threadIdRef.current;
    if (current && !controllerRef.current) await loadThread(current);
  }, [loadThread]);

  // The thread the user was in comes back after a reload.
  useEffect(() => {
    const stored = readStoredThread();
    if (stored) void loadThread(stored);
    return () => {
      controllerRef.current?.abort();
    };
  }, [loadThread]);

  const listThreads = useCallback(
    (after?: string | null) =>
      client.send({
        type: "threads.list",
        params: { limit: HISTORY_PAGE_SIZE, order: "desc", after: after ?? null },
      }),
    [client],
  );

  const renameThread = useCallback(
    async (id: string, title: string) => {
      const thread = await client.send({
        type: "threads.update",
        params: { thread_id: id, title },
      });
      if (threadIdRef.current === id)
        dispatch({ type: "event", event: { type: "thread.updated", thread } });
      return thread;
    },
    [client],
  );

  const deleteThread = useCallback(
    async (id: string) => {
      await client.send({ type: "threads.delete", params: { thread_id: id } });
      if (threadIdRef.current === id) await setThreadId(null);
    },
    [client, setThreadId],
  );

  const dismissError = useCallback(() => {
    dispatch({ type: "error.dismissed" });
  }, []);
  const dismissNotice = useCallback((id: number) => {
    dispatch({ type: "notice.dismissed", id });
  }, []);

  return {
    state,
    threadId,
    dismissError,
    dismissNotice,
    sendUserMessage,
    sendCustomAction,
    runAction,
    stop,
    retryAfterError,
    retryItem,
    feedback,
    setThreadId,
    fetchUpdates,
    loadOlderItems,
    listThreads,
    renameThread,
    deleteThread,
  };
}
