/**
 * The thread as the panel shows it, computed from ChatKit events by a pure
 * reducer. Every event type and item update of the Python SDK is handled; an
 * unknown one (a newer server) goes to `warn` and leaves the state unchanged.
 *
 * Actions (`ChatAction`):
 * - `event`: one `ThreadStreamEvent` from a stream. `client_effect` leaves the
 *   state unchanged (the shell hands effects to `onEffect`). A JSON answer that
 *   carries an item or thread is applied the same way: the `updated_item` of
 *   `threads.sync_custom_action` as `thread.item.replaced`, the thread returned
 *   by `threads.update` as `thread.updated`.
 * - `thread.loaded`: a thread from `threads.get_by_id` replaces the state; its
 *   `items` page is in ascending order.
 * - `items.loaded`: a page from `items.list`. `order: "desc"` pages are older
 *   items (prepended), `"asc"` pages newer ones (appended); items already shown
 *   are kept as they are.
 * - `thread.cleared`: a new chat (the start screen).
 * - `item.optimistic`: the user's message shown before the server echoes it;
 *   the first `user_message` the server sends takes its place.
 * - `stream.started` / `stream.ended`: around each streaming request; `ended`
 *   also settles items that never got their `thread.item.done` (a cancelled
 *   response) and drops optimistic messages the server never echoed.
 * - `stream.failed`: the request itself failed (HTTP error, network); shown
 *   like an `error` event.
 * - `items.truncated`: `threads.retry_after_item` drops the items after a user
 *   message before it answers again (the server sends no removal events).
 * - `error.dismissed`, `notice.dismissed`.
 */

import type {
  AssistantMessageContent,
  AssistantMessageItem,
  NoticeLevel,
  Page,
  Thread,
  ThreadItem,
  ThreadItemUpdate,
  ThreadMetadata,
  ThreadStreamEvent,
  UserMessageItem,
  WidgetItem,
  WorkflowItem,
  WorkflowTask,
} from "./types";
import { updateWidgetNode } from "./widgetTree";

export interface ChatError {
  /** `stream.error`, `custom` (from the server) or `http` (the request failed). */
  code: string;
  message: string | null;
  allowRetry: boolean;
}

export interface ChatNotice {
  id: number;
  level: NoticeLevel;
  message: string;
  title: string | null;
}

export interface ChatProgress {
  text: string;
  icon: string | null;
}

export interface ItemsCursor {
  /** More items exist beyond the loaded ones (older for `desc`, newer for `asc`). */
  hasMore: boolean;
  after: string | null;
  order: "asc" | "desc";
}

export interface ChatState {
  /** The open thread's metadata; `null` on the start screen until `thread.created`. */
  thread: ThreadMetadata | null;
  /** The thread's items, oldest first. */
  items: ThreadItem[];
  /** Items added but not yet done (still streaming, not saved yet). */
  pendingItemIds: string[];
  /** Ids of optimistic user messages the server has not echoed yet. */
  optimisticItemIds: string[];
  /** Where paging through the thread's items continues. */
  itemsCursor: ItemsCursor | null;
  /** From the last `stream_options`: may the user stop the response. */
  streamOptions: { allowCancel: boolean };
  isStreaming: boolean;
  /** The last `progress_update` of the running response. */
  progress: ChatProgress | null;
  notices: ChatNotice[];
  error: ChatError | null;
  /** `generated_image.updated` progress (0–1) by item id. */
  imageProgress: Record<string, number>;
  nextNoticeId: number;
}

export type ChatAction =
  | { type: "event"; event: ThreadStreamEvent }
  | { type: "thread.loaded"; thread: Thread }
  | { type: "items.loaded"; page: Page<ThreadItem>; order: "asc" | "desc" }
  | { type: "thread.cleared" }
  | { type: "item.optimistic"; item: UserMessageItem }
  | { type: "stream.started" }
  | { type: "stream.ended" }
  | { type: "stream.failed"; message: string; allowRetry: boolean }
  | { type: "items.truncated"; afterItemId: string }
  | { type: "error.dismissed" }
  | { type: "notice.dismissed"; id: number };

/** Where the reducer reports what it ignored (an unknown event, an update for a missing item). */
export type ChatWarn = (message: string, data?: unknown) => void;

const warnToConsole: ChatWarn = (message, data) => {
  console.warn(`[chat] ${message}`, data);
};

export const initialChatState: ChatState = {
  thread: null,
  items: [],
  pendingItemIds: [],
  optimisticItemIds: [],
  itemsCursor: null,
  streamOptions: { allowCancel: false },
  isStreaming: false,
  progress: null,
  notices: [],
  error: null,
  imageProgress: {},
  nextNoticeId: 1,
};

function metadataOf(thread: Thread | ThreadMetadata): ThreadMetadata {
  const metadata: Partial<Thread> = { ...thread };
  delete metadata.items;
  return metadata as ThreadMetadata;
}

function without(ids: string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((other) => other !== id) : ids;
}

/** Put `item` in place of the item with its id, or of an optimistic user message, or at the end. */
function upsertItem(state: ChatState, item: ThreadItem): ChatState {
  const index = state.items.findIndex((existing) => existing.id === item.id);
  if (index !== -1) {
    const items = state.items.slice();
    items[index] = item;
    return { ...state, items };
  }
  const optimisticId = item.type === "user_message" ? state.optimisticItemIds[0] : undefined;
  if (optimisticId !== undefined) {
    const items = state.items.map((existing) => (existing.id === optimisticId ? item : existing));
    return {
      ...state,
      items,
      optimisticItemIds: state.optimisticItemIds.slice(1),
      pendingItemIds: without(state.pendingItemIds, optimisticId),
    };
  }
  return { ...state, items: [...state.items, item] };
}

function replaceAt<T>(list: T[], index: number, value: T, fill: T): T[] {
  const next = list.slice();
  while (next.length < index) next.push(fill);
  next[index] = value;
  return next;
}

function insertAt<T>(list: T[], index: number, value: T): T[] {
  const next = list.slice();
  if (index >= 0 && index <= next.length) next.splice(index, 0, value);
  else next.push(value);
  return next;
}

const emptyText = (): AssistantMessageContent => ({
  type: "output_text",
  text: "",
  annotations: [],
});

function updateAssistant(
  item: AssistantMessageItem,
  update: Extract<ThreadItemUpdate, { type: `assistant_message.${string}` }>,
): AssistantMessageItem {
  const index = update.content_index;
  const part = item.content[index] ?? emptyText();
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.done":
      return { ...item, content: replaceAt(item.content, index, update.content, emptyText()) };
    case "assistant_message.content_part.text_delta":
      return {
        ...item,
        content: replaceAt(
          item.content,
          index,
          { ...part, text: part.text + update.delta },
          emptyText(),
        ),
      };
    case "assistant_message.content_part.annotation_added":
      return {
        ...item,
        content: replaceAt(
          item.content,
          index,
          {
            ...part,
            annotations: insertAt(part.annotations, update.annotation_index, update.annotation),
          },
          emptyText(),
        ),
      };
  }
}

function updateWidget(
  item: WidgetItem,
  update: Extract<ThreadItemUpdate, { type: `widget.${string}` }>,
): WidgetItem | null {
  switch (update.type) {
    case "widget.root.updated":
      return { ...item, widget: update.widget };
    case "widget.component.updated": {
      const widget = updateWidgetNode(item.widget, update.component_id, () => update.component);
      return widget === item.widget ? null : { ...item, widget };
    }
    case "widget.streaming_text.value_delta": {
      const widget = updateWidgetNode(item.widget, update.component_id, (node) => ({
        ...node,
        value: (typeof node.value === "string" ? node.value : "") + update.delta,
        streaming: !update.done,
      }));
      return widget === item.widget ? null : { ...item, widget };
    }
  }
}

function updateWorkflow(
  item: WorkflowItem,
  update: {
    type: "workflow.task.added" | "workflow.task.updated";
    task_index: number;
    task: WorkflowTask;
  },
): WorkflowItem {
  const tasks =
    update.type === "workflow.task.added"
      ? insertAt(item.workflow.tasks, update.task_index, update.task)
      : replaceAt(item.workflow.tasks, update.task_index, update.task, update.task);
  return { ...item, workflow: { ...item.workflow, tasks } };
}

/** `item` with `update` applied, or `null` when the update does not fit the item. */
function applyUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem | null {
  switch (update.type) {
    case "assistant_message.content_part.added":
    case "assistant_message.content_part.text_delta":
    case "assistant_message.content_part.annotation_added":
    case "assistant_message.content_part.done":
      return item.type === "assistant_message" ? updateAssistant(item, update) : null;
    case "widget.root.updated":
    case "widget.component.updated":
    case "widget.streaming_text.value_delta":
      return item.type === "widget" ? updateWidget(item, update) : null;
    case "workflow.task.added":
    case "workflow.task.updated":
      return item.type === "workflow" ? updateWorkflow(item, update) : null;
    case "generated_image.updated":
      return item.type === "generated_image" ? { ...item, image: update.image } : null;
    default:
      return null;
  }
}

function reduceEvent(state: ChatState, event: ThreadStreamEvent, warn: ChatWarn): ChatState {
  switch (event.type) {
    case "thread.created":
    case "thread.updated":
      return { ...state, thread: metadataOf(event.thread) };
    case "thread.item.added": {
      const next = upsertItem(state, event.item);
      return {
        ...next,
        progress: null,
        pendingItemIds: next.pendingItemIds.includes(event.item.id)
          ? next.pendingItemIds
          : [...next.pendingItemIds, event.item.id],
      };
    }
    case "thread.item.done":
    case "thread.item.replaced": {
      const next = upsertItem(state, event.item);
      return {
        ...next,
        progress: null,
        pendingItemIds: without(next.pendingItemIds, event.item.id),
      };
    }
    case "thread.item.removed":
      return {
        ...state,
        items: state.items.filter((item) => item.id !== event.item_id),
        pendingItemIds: without(state.pendingItemIds, event.item_id),
      };
    case "thread.item.updated": {
      const index = state.items.findIndex((item) => item.id === event.item_id);
      const item = state.items[index];
      if (item === undefined) {
        warn(`update for an unknown item ${event.item_id}`, event);
        return state;
      }
      const updated = applyUpdate(item, event.update);
      if (updated === null) {
        warn(`update ${event.update.type} does not apply to ${item.type} ${item.id}`, event);
        return state;
      }
      const items = state.items.slice();
      items[index] = updated;
      const imageProgress =
        event.update.type === "generated_image.updated" && typeof event.update.progress === "number"
          ? { ...state.imageProgress, [item.id]: event.update.progress }
          : state.imageProgress;
      return { ...state, items, imageProgress };
    }
    case "stream_options":
      return { ...state, streamOptions: { allowCancel: event.stream_options.allow_cancel } };
    case "progress_update":
      return { ...state, progress: { text: event.text, icon: event.icon ?? null } };
    case "client_effect":
      return state;
    case "error":
      return {
        ...state,
        progress: null,
        error: { code: event.code, message: event.message ?? null, allowRetry: event.allow_retry },
      };
    case "notice":
      return {
        ...state,
        notices: [
          ...state.notices,
          {
            id: state.nextNoticeId,
            level: event.level,
            message: event.message,
            title: event.title ?? null,
          },
        ],
        nextNoticeId: state.nextNoticeId + 1,
      };
    default:
      warn(`unknown event type ${String((event as { type: unknown }).type)}`, event);
      return state;
  }
}

function withOlder(state: ChatState, page: Page<ThreadItem>, order: "asc" | "desc"): ChatState {
  const known = new Set(state.items.map((item) => item.id));
  const fresh = page.data.filter((item) => !known.has(item.id));
  const items =
    order === "desc" ? [...fresh.reverse(), ...state.items] : [...state.items, ...fresh];
  return { ...state, items, itemsCursor: { hasMore: page.has_more, after: page.after, order } };
}

/** The next state after `action`; `warn` hears about whatever was ignored. */
export function chatReducer(
  state: ChatState,
  action: ChatAction,
  warn: ChatWarn = warnToConsole,
): ChatState {
  switch (action.type) {
    case "event":
      return reduceEvent(state, action.event, warn);
    case "thread.loaded":
      return {
        ...initialChatState,
        thread: metadataOf(action.thread),
        items: action.thread.items.data.slice(),
        itemsCursor: {
          hasMore: action.thread.items.has_more,
          after: action.thread.items.after,
          order: "asc",
        },
      };
    case "items.loaded":
      return withOlder(state, action.page, action.order);
    case "thread.cleared":
      return initialChatState;
    case "item.optimistic":
      return {
        ...state,
        items: [...state.items, action.item],
        optimisticItemIds: [...state.optimisticItemIds, action.item.id],
      };
    case "stream.started":
      return {
        ...state,
        isStreaming: true,
        error: null,
        progress: null,
        streamOptions: { allowCancel: false },
      };
    case "stream.ended": {
      const unsent = new Set(state.optimisticItemIds);
      return {
        ...state,
        isStreaming: false,
        progress: null,
        streamOptions: { allowCancel: false },
        pendingItemIds: [],
        optimisticItemIds: [],
        items: unsent.size ? state.items.filter((item) => !unsent.has(item.id)) : state.items,
      };
    }
    case "stream.failed":
      return {
        ...state,
        progress: null,
        error: { code: "http", message: action.message, allowRetry: action.allowRetry },
      };
    case "items.truncated": {
      const index = state.items.findIndex((item) => item.id === action.afterItemId);
      if (index === -1) return state;
      return { ...state, items: state.items.slice(0, index + 1), pendingItemIds: [] };
    }
    case "error.dismissed":
      return { ...state, error: null };
    case "notice.dismissed":
      return { ...state, notices: state.notices.filter((notice) => notice.id !== action.id) };
    default:
      warn(`unknown action ${String((action as { type: unknown }).type)}`, action);
      return state;
  }
}
