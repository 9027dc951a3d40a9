import type { Entity, UseChatKitOptions } from "@openai/chatkit-react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";

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
  onFeedback: (kind: Kind) => void;
  onRetry: () => void;
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
                  props.onFeedback("positive");
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
                  props.onFeedback("negative");
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
              onClick={props.onRetry}
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
      {state.items.map((item) => {
        switch (item.type) {
          case "user_message":
            return <UserMessage key={item.id} item={item} entities={entities} />;
          case "assistant_message":
            return (
              <AssistantMessage
                key={item.id}
                item={item}
                settled={isSettled(state, item)}
                itemActions={itemActions}
                given={feedback[item.id]}
                onFeedback={(kind) => {
                  setFeedback((current) => ({ ...current, [item.id]: kind }));
                  void props.onFeedback(item.id, kind);
                }}
                onRetry={() => void props.onRetryItem(item.id)}
              />
            );
          case "widget":
            return (
              <div
                key={item.id}
                className="chat-msg chat-msg--widget"
                data-item-type="widget"
                data-item-id={item.id}
              >
                <WidgetView
                  widget={item.widget}
                  disabled={state.isStreaming}
                  onAction={(action, formValues) => props.onAction(item, action, formValues)}
                  onError={props.onWidgetError}
                />
              </div>
            );
          case "workflow":
            return <WorkflowView key={item.id} item={item} />;
          case "generated_image":
            return item.image ? (
              <img key={item.id} className="chat-image" src={item.image.url} alt="Generated" />
            ) : null;
          default:
            return null;
        }
      })}
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
