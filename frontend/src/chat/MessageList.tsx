import type { Entity, UseChatKitOptions } from "@openai/chatkit-react";
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

import { Markdown } from "./Markdown";
import type { ChatState } from "./reducer";
import { ShellIcon } from "./ShellIcon";
import { TagChip } from "./TagChip";
import type {
  ActionConfig,
  AssistantMessageItem,
  InputTagContent,
  ThreadItem,
  UserMessageItem,
  WidgetItem,
  WorkflowItem,
} from "./types";
import { WidgetView } from "./widgets";

type Kind = "positive" | "negative";

export interface MessageListProps {
  state: ChatState;
  entities: UseChatKitOptions["entities"];
  itemActions: UseChatKitOptions["threadItemActions"];
  onAction: (
    item: WidgetItem,
    action: ActionConfig,
    formValues?: Record<string, unknown>,
  ) => Promise<void>;
  onFeedback: (itemId: string, kind: Kind) => Promise<void>;
  onRetryItem: (itemId: string) => Promise<void>;
  onRetryError: () => Promise<void>;
  onDismissError: () => void;
  onDismissNotice: (id: number) => void;
  onWidgetError: (error: unknown) => void;
  /** Load the page of items before the oldest one shown. */
  onLoadOlder: () => Promise<void>;
}

function tagEntity(tag: InputTagContent): Entity {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(tag.data)) {
    if (typeof value === "string" || typeof value === "number") data[key] = String(value);
  }
  const entity: Entity = {
    id: tag.id,
    title: tag.text,
    data,
    interactive: tag.interactive ?? true,
  };
  if (tag.group) entity.group = tag.group;
  return entity;
}

function UserMessage({
  item,
  entities,
}: {
  item: UserMessageItem;
  entities: UseChatKitOptions["entities"];
}) {
  return (
    <div className="chat-msg chat-msg--user" data-item-type="user_message" data-item-id={item.id}>
      <div className="chat-msg__bubble">
        {item.content.map((part, index) =>
          part.type === "input_tag" ? (
            <TagChip key={index} entity={tagEntity(part)} entities={entities} />
          ) : (
            <span key={index} className="chat-msg__text">
              {part.text}
            </span>
          ),
        )}
      </div>
    </div>
  );
}

function AssistantMessage(props: {
  item: AssistantMessageItem;
  settled: boolean;
  itemActions: UseChatKitOptions["threadItemActions"];
  given: Kind | undefined;
  onFeedback: (itemId: string, kind: Kind) => void;
  onRetry: (itemId: string) => void;
}) {
  const { item, settled, itemActions, given } = props;
  const text = item.content.map((part) => part.text).join("\n\n");
  return (
    <div
      className="chat-msg chat-msg--assistant"
      data-item-type="assistant_message"
      data-item-id={item.id}
    >
      <Markdown text={text} />
      {settled && (itemActions?.feedback || itemActions?.retry) && (
        <div className="chat-msg__actions">
          {itemActions.feedback && (
            <>
              <button
                type="button"
                className="chat-icon-button"
                aria-label="Good answer"
                aria-pressed={given === "positive"}
                disabled={given !== undefined}
                onClick={() => {
                  props.onFeedback(item.id, "positive");
                }}
              >
                <ShellIcon name="thumbs-up" />
              </button>
              <button
                type="button"
                className="chat-icon-button"
                aria-label="Bad answer"
                aria-pressed={given === "negative"}
                disabled={given !== undefined}
                onClick={() => {
                  props.onFeedback(item.id, "negative");
                }}
              >
                <ShellIcon name="thumbs-down" />
              </button>
            </>
          )}
          {itemActions.retry && (
            <button
              type="button"
              className="chat-icon-button"
              aria-label="Retry this answer"
              onClick={() => {
                props.onRetry(item.id);
              }}
            >
              <ShellIcon name="retry" />
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function WorkflowView({ item }: { item: WorkflowItem }) {
  const { workflow } = item;
  const summary =
    workflow.summary && "title" in workflow.summary ? workflow.summary.title : "Worked on it";
  return (
    <details className="chat-workflow" open={workflow.expanded}>
      <summary>{summary}</summary>
      <ul>
        {workflow.tasks.map((task, index) => (
          <li key={index}>
            {task.title ?? task.type}
            {"content" in task && task.content ? `: ${task.content}` : ""}
          </li>
        ))}
      </ul>
    </details>
  );
}

interface ChatItemProps {
  item: ThreadItem;
  settled: boolean;
  disabled: boolean;
  given: Kind | undefined;
  entities: UseChatKitOptions["entities"];
  itemActions: UseChatKitOptions["threadItemActions"];
  onAction: MessageListProps["onAction"];
  onFeedback: (itemId: string, kind: Kind) => void;
  onRetryItem: (itemId: string) => void;
  onWidgetError: (error: unknown) => void;
}

function WidgetItemView({
  item,
  disabled,
  onAction,
  onError,
}: {
  item: WidgetItem;
  disabled: boolean;
  onAction: MessageListProps["onAction"];
  onError: (error: unknown) => void;
}) {
  const run = useCallback(
    (action: ActionConfig, formValues?: Record<string, unknown>) =>
      onAction(item, action, formValues),
    [onAction, item],
  );
  return (
    <div className="chat-msg chat-msg--widget" data-item-type="widget" data-item-id={item.id}>
      <WidgetView widget={item.widget} disabled={disabled} onAction={run} onError={onError} />
    </div>
  );
}

/**
 * One thread item. Memoised: the reducer keeps an unchanged item's object, so a
 * stream event re-renders only the item it adds or replaces.
 */
const ChatItem = memo(function ChatItem(props: ChatItemProps) {
  const { item } = props;
  switch (item.type) {
    case "user_message":
      return <UserMessage item={item} entities={props.entities} />;
    case "assistant_message":
      return (
        <AssistantMessage
          item={item}
          settled={props.settled}
          itemActions={props.itemActions}
          given={props.given}
          onFeedback={props.onFeedback}
          onRetry={props.onRetryItem}
        />
      );
    case "widget":
      return (
        <WidgetItemView
          item={item}
          disabled={props.disabled}
          onAction={props.onAction}
          onError={props.onWidgetError}
        />
      );
    case "workflow":
      return <WorkflowView item={item} />;
    case "generated_image":
      return item.image ? (
        <img className="chat-image" src={item.image.url} alt="Generated" />
      ) : null;
    default:
      return null;
  }
});

/** Whether an answer may show feedback/retry: done, and no response is running. */
function isSettled(state: ChatState, item: ThreadItem): boolean {
  return !state.isStreaming && !state.pendingItemIds.includes(item.id);
}

/**
 * "Show earlier messages" above a thread longer than its first page. The reader
 * stays where they were while the older items appear above, and keyboard focus
 * stays on the control (or on the "beginning" line once nothing older is left).
 */
function OlderItems(props: {
  hasMore: boolean;
  firstItemId: string | undefined;
  scrollBox: () => HTMLElement | null | undefined;
  onLoadOlder: () => Promise<void>;
}) {
  const { hasMore, firstItemId, scrollBox, onLoadOlder } = props;
  const [loading, setLoading] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const fromBottom = useRef<number | null>(null);
  const startRef = useRef<HTMLParagraphElement>(null);

  useLayoutEffect(() => {
    const box = scrollBox();
    if (box && fromBottom.current !== null) {
      box.scrollTop = box.scrollHeight - fromBottom.current;
      fromBottom.current = null;
    }
  }, [firstItemId, scrollBox]);

  useEffect(() => {
    if (loaded && !hasMore) startRef.current?.focus();
  }, [loaded, hasMore]);

  if (!hasMore) {
    return loaded ? (
      <p ref={startRef} className="chat-thread__start" tabIndex={-1}>
        The beginning of this chat.
      </p>
    ) : null;
  }
  return (
    <button
      type="button"
      className="chat-button chat-thread__older"
      aria-disabled={loading || undefined}
      onClick={() => {
        if (loading) return;
        const box = scrollBox();
        fromBottom.current = box ? box.scrollHeight - box.scrollTop : null;
        setLoading(true);
        void onLoadOlder().finally(() => {
          setLoading(false);
          setLoaded(true);
        });
      }}
    >
      {loading ? "Loading earlier messages…" : "Show earlier messages"}
    </button>
  );
}

/** The thread: messages, widgets, progress, notices and the last error. */
export function MessageList(props: MessageListProps) {
  const { state, entities, itemActions } = props;
  const [feedback, setFeedback] = useState<Record<string, Kind>>({});
  // The callbacks items get stay the same from render to render (see ChatItem).
  const { onFeedback, onRetryItem } = props;
  const giveFeedback = useCallback(
    (itemId: string, kind: Kind) => {
      setFeedback((current) => ({ ...current, [itemId]: kind }));
      void onFeedback(itemId, kind);
    },
    [onFeedback],
  );
  const retryItem = useCallback(
    (itemId: string) => {
      void onRetryItem(itemId);
    },
    [onRetryItem],
  );
  const threadRef = useRef<HTMLDivElement>(null);
  const olderExist = state.itemsCursor?.order === "desc" && state.itemsCursor.hasMore;

  const lastItem = state.items[state.items.length - 1];
  const lastKey = `${String(state.items.length)}:${lastItem?.id ?? ""}:${state.progress?.text ?? ""}`;
  // Follow the conversation: keep the panel's scroll box at the newest item
  // (scrollIntoView would scroll the whole page too).
  useEffect(() => {
    const box = threadRef.current?.parentElement;
    if (box) box.scrollTop = box.scrollHeight;
  }, [lastKey, state.error]);

  return (
    <div ref={threadRef} className="chat-thread" aria-live="polite" aria-busy={state.isStreaming}>
      <OlderItems
        // A new thread starts over.
        key={state.thread?.id ?? ""}
        hasMore={olderExist}
        firstItemId={state.items[0]?.id}
        scrollBox={() => threadRef.current?.parentElement}
        onLoadOlder={props.onLoadOlder}
      />
      {state.items.map((item) => (
        <ChatItem
          key={item.id}
          item={item}
          // Only what an item shows is passed to it, so an event re-renders the items
          // it changes and no others (a widget's actions wait while a response streams;
          // an answer offers feedback once settled).
          settled={item.type === "assistant_message" ? isSettled(state, item) : true}
          disabled={item.type === "widget" ? state.isStreaming : false}
          given={feedback[item.id]}
          entities={entities}
          itemActions={itemActions}
          onAction={props.onAction}
          onFeedback={giveFeedback}
          onRetryItem={retryItem}
          onWidgetError={props.onWidgetError}
        />
      ))}
      {state.isStreaming && (
        <p className="chat-progress" role="status">
          <span className="chat-progress__dot" aria-hidden="true" />
          {state.progress?.text ?? "Thinking…"}
        </p>
      )}
      {state.notices.map((notice) => (
        <div
          key={notice.id}
          className={`chat-notice chat-notice--${notice.level}`}
          role={notice.level === "danger" ? "alert" : "status"}
        >
          <ShellIcon name={notice.level === "info" ? "info" : "warning"} />
          <div className="chat-notice__body">
            {notice.title && <strong>{notice.title}</strong>}
            <Markdown text={notice.message} />
          </div>
          <button
            type="button"
            className="chat-icon-button"
            aria-label="Dismiss notice"
            onClick={() => {
              props.onDismissNotice(notice.id);
            }}
          >
            <ShellIcon name="close" />
          </button>
        </div>
      ))}
      {state.error && (
        <div className="chat-error" role="alert">
          <span>{state.error.message ?? "Something went wrong."}</span>
          {state.error.allowRetry ? (
            <button type="button" className="chat-button" onClick={() => void props.onRetryError()}>
              Retry
            </button>
          ) : (
            <button type="button" className="chat-button" onClick={props.onDismissError}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}
