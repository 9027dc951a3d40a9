import type { UseChatKitOptions } from "@openai/chatkit-react";
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";

import type { WidgetAction } from "../chatkit/handlers";
import { Composer, type ComposerHandle } from "./Composer";
import { MessageList } from "./MessageList";
import { ShellIcon } from "./ShellIcon";
import { threadTitle, ThreadHistory } from "./ThreadHistory";
import type { UserMessageContent } from "./types";
import { useChatSession } from "./useChatSession";
import "./shell.css";

/** The methods `useChatKit` returns that the app's bridge and handlers call. */
export interface BuiltinChatKitMethods {
  sendUserMessage: (params: {
    text?: string;
    content?: UserMessageContent[];
    newThread?: boolean;
  }) => Promise<void>;
  sendCustomAction: (action: WidgetAction, itemId?: string) => Promise<void>;
  setThreadId: (threadId: string | null) => Promise<void>;
  setComposerValue: (value: { text?: string; selectedToolId?: string | null }) => Promise<void>;
  focusComposer: () => Promise<void>;
  fetchUpdates: () => Promise<void>;
}

export interface BuiltinChatPanelProps {
  options: UseChatKitOptions;
  /** Receives the panel's methods once mounted, and null when it unmounts. */
  onReady?: (methods: BuiltinChatKitMethods | null) => void;
}

const RADII = { pill: "999px", round: "12px", soft: "8px", sharp: "2px" } as const;
const GAPS = { compact: "8px", normal: "12px", spacious: "16px" } as const;

type Theme = Exclude<NonNullable<UseChatKitOptions["theme"]>, string>;

/** The options' theme as CSS variables on the panel (shell.css and the widgets read them). */
export function themeVariables(
  theme: UseChatKitOptions["theme"],
): CSSProperties & Record<string, string> {
  const full: Theme = typeof theme === "string" ? { colorScheme: theme } : (theme ?? {});
  const vars: Record<string, string> = {};
  const accent = full.color?.accent?.primary;
  if (accent) vars["--chat-accent"] = accent;
  if (full.radius) vars["--chat-radius"] = RADII[full.radius];
  if (full.density) vars["--chat-gap"] = GAPS[full.density];
  if (full.typography?.baseSize) vars["--chat-font-size"] = `${String(full.typography.baseSize)}px`;
  if (full.typography?.fontFamily) vars["--chat-font"] = full.typography.fontFamily;
  return vars;
}

/**
 * The built-in ChatKit panel: the same options object as `<openai-chatkit>`,
 * speaking the ChatKit protocol to `options.api.url` and rendering threads and
 * widgets itself (no CDN).
 */
export function BuiltinChatPanel({ options, onReady }: BuiltinChatPanelProps) {
  const session = useChatSession(options);
  const [historyOpen, setHistoryOpen] = useState(false);
  const composerRef = useRef<ComposerHandle>(null);
  const { state } = session;

  const colorScheme =
    typeof options.theme === "string" ? options.theme : options.theme?.colorScheme;
  const style = useMemo(() => themeVariables(options.theme), [options.theme]);

  const reportError = useCallback(
    (error: unknown) => {
      options.onError?.({ error: error instanceof Error ? error : new Error(String(error)) });
    },
    [options],
  );

  const { sendUserMessage, sendCustomAction, setThreadId, fetchUpdates } = session;
  const methods = useMemo<BuiltinChatKitMethods>(
    () => ({
      sendUserMessage,
      sendCustomAction,
      setThreadId: async (threadId) => {
        setHistoryOpen(false);
        await setThreadId(threadId);
      },
      setComposerValue: (value) => {
        composerRef.current?.setValue(value);
        return Promise.resolve();
      },
      focusComposer: () => {
        composerRef.current?.focus();
        return Promise.resolve();
      },
      fetchUpdates,
    }),
    [sendUserMessage, sendCustomAction, setThreadId, fetchUpdates],
  );

  useEffect(() => {
    onReady?.(methods);
    return () => {
      onReady?.(null);
    };
  }, [methods, onReady]);

  const header = options.header;
  const showHeader = header?.enabled !== false;
  const historyEnabled = options.history?.enabled !== false;
  const title =
    state.thread && state.items.length > 0 && state.thread.title
      ? threadTitle(state.thread)
      : (header?.title?.text ?? "Chat");
  const startScreen = options.startScreen;
  const empty = state.items.length === 0 && !state.isStreaming;

  return (
    <div
      className={`chat-shell chat-shell--${colorScheme ?? "light"}`}
      style={style}
      data-testid="builtin-chat"
    >
      {showHeader && (
        <header className="chat-shell__header">
          {historyEnabled && (
            <button
              type="button"
              className="chat-icon-button"
              aria-label={historyOpen ? "Back to the chat" : "Chat history"}
              aria-expanded={historyOpen}
              onClick={() => {
                setHistoryOpen((open) => !open);
              }}
            >
              <ShellIcon name={historyOpen ? "back" : "history"} />
            </button>
          )}
          {header?.title?.enabled !== false && (
            <h2 className="chat-shell__title">{historyOpen ? "History" : title}</h2>
          )}
          <button
            type="button"
            className="chat-icon-button"
            aria-label="New chat"
            onClick={() => {
              setHistoryOpen(false);
              void setThreadId(null);
              composerRef.current?.focus();
            }}
          >
            <ShellIcon name="plus" />
          </button>
        </header>
      )}
      <div className="chat-shell__body">
        {historyOpen ? (
          <ThreadHistory
            currentThreadId={session.threadId}
            showRename={options.history?.showRename !== false}
            showDelete={options.history?.showDelete !== false}
            listThreads={session.listThreads}
            renameThread={session.renameThread}
            deleteThread={session.deleteThread}
            onOpen={(threadId) => {
              setHistoryOpen(false);
              void setThreadId(threadId);
            }}
            onError={reportError}
          />
        ) : empty ? (
          <div className="chat-start">
            <p className="chat-start__greeting">{startScreen?.greeting ?? "How can I help?"}</p>
            {startScreen?.prompts && startScreen.prompts.length > 0 && (
              <ul className="chat-start__prompts" aria-label="Suggested prompts">
                {startScreen.prompts.map((prompt) => (
                  <li key={prompt.label}>
                    <button
                      type="button"
                      className="chat-start__prompt"
                      onClick={() => {
                        void (typeof prompt.prompt === "string"
                          ? sendUserMessage({ text: prompt.prompt })
                          : sendUserMessage({
                              content: prompt.prompt as unknown as UserMessageContent[],
                            }));
                      }}
                    >
                      {prompt.icon && <ShellIcon name={prompt.icon} />}
                      {prompt.label}
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {state.error && (
              <div className="chat-error" role="alert">
                <span>{state.error.message ?? "Something went wrong."}</span>
                {state.error.allowRetry && (
                  <button
                    type="button"
                    className="chat-button"
                    onClick={() => void session.retryAfterError()}
                  >
                    Retry
                  </button>
                )}
              </div>
            )}
          </div>
        ) : (
          <MessageList
            state={state}
            entities={options.entities}
            itemActions={options.threadItemActions}
            onAction={session.runAction}
            onFeedback={session.feedback}
            onRetryItem={session.retryItem}
            onRetryError={session.retryAfterError}
            onDismissError={session.dismissError}
            onDismissNotice={session.dismissNotice}
            onWidgetError={reportError}
            onLoadOlder={session.loadOlderItems}
          />
        )}
      </div>
      <div hidden={historyOpen}>
        <Composer
          ref={composerRef}
          composer={options.composer}
          entities={options.entities}
          busy={state.isStreaming}
          canStop={state.streamOptions.allowCancel}
          onSend={(content, toolChoice) => {
            void sendUserMessage({ content, toolChoice });
          }}
          onStop={session.stop}
        />
      </div>
    </div>
  );
}
