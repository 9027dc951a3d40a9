import { ChatKit, useChatKit, type UseChatKitOptions } from "@openai/chatkit-react";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";

import { createChatKitBridge } from "../chatkit/bridge";
import { buildChatKitOptions } from "../chatkit/options";
import { useChatKitScript } from "../hooks/useChatKitScript";
import type { Api } from "../lib/api";
import { CHATKIT_SCRIPT_URL, type ChatKitUi } from "../lib/config";
import { createCsrfFetch } from "../lib/csrf";

export interface ChatKitPanelProps {
  api: Api;
  domainKey: string;
  /** `CHATKIT_UI`: which panel to show (see README, "Configuration"). */
  ui: ChatKitUi;
  selectTask: (taskId: number) => void;
  showAssignee: (userId: number) => void;
  refreshBoard: (taskId?: number) => void;
}

export function ChatUnavailable() {
  return (
    <div className="chat-unavailable" role="alert">
      <h2 className="chat-unavailable__title">The chat assistant could not load</h2>
      <p>
        Its script, <code>chatkit.js</code> from OpenAI&rsquo;s CDN (
        <code>{new URL(CHATKIT_SCRIPT_URL).host}</code>), did not arrive: the network may be offline
        or blocking it.
      </p>
      <p>
        <strong>The board still works:</strong> search, filter and move tasks there; changes from
        others keep arriving live. Reload the page to try the chat again.
      </p>
    </div>
  );
}

type Bridge = ReturnType<typeof createChatKitBridge>;

// Its own chunk: a page on the official panel never downloads the built-in one.
const BuiltinChatPanel = lazy(async () => {
  const { BuiltinChatPanel } = await import("../chat/BuiltinChatPanel");
  return { default: BuiltinChatPanel };
});

/** The one options object both panels take, and the bridge its handlers call back through. */
function useChatKitOptions(
  props: ChatKitPanelProps,
  onError: (message: string) => void,
): { options: UseChatKitOptions; bridge: Bridge } {
  const { api, domainKey, selectTask, showAssignee, refreshBoard } = props;
  const [bridge] = useState(() => createChatKitBridge());
  const options = useMemo(
    () =>
      buildChatKitOptions({
        domainKey,
        fetch: createCsrfFetch(),
        api,
        selectTask,
        showAssignee,
        refreshBoard,
        reportError: onError,
        sendCustomAction: bridge.sendCustomAction,
        sendUserMessage: bridge.sendUserMessage,
        logger: console,
      }),
    [api, bridge, domainKey, selectTask, showAssignee, refreshBoard, onError],
  );
  return { options, bridge };
}

function OfficialChatKit({ options, bridge }: { options: UseChatKitOptions; bridge: Bridge }) {
  const chatkit = useChatKit(options);

  useEffect(() => {
    bridge.bind(chatkit);
    return () => {
      bridge.bind(null);
    };
  }, [bridge, chatkit]);

  return <ChatKit control={chatkit.control} className="chatkit" />;
}

/**
 * The chat: OpenAI's `<openai-chatkit>` from the CDN, or the app's built-in panel
 * (`frontend/src/chat/`), both driven by the same options and handlers.
 */
export function ChatKitPanel(props: ChatKitPanelProps) {
  const { ui } = props;
  const scriptState = useChatKitScript(ui !== "builtin");
  const [error, setError] = useState<string | null>(null);
  const { options, bridge } = useChatKitOptions(props, setError);

  const builtin = ui === "builtin" || (ui === "auto" && scriptState === "failed");
  const unavailable = ui === "openai" && scriptState === "failed";

  return (
    <section className="chat-panel" aria-label="Assistant" data-chat-ui={builtin ? "builtin" : ui}>
      {unavailable ? (
        <ChatUnavailable />
      ) : (
        <>
          {!builtin && scriptState === "loading" && (
            <p className="chat-panel__loading" role="status">
              Loading the assistant…
            </p>
          )}
          {error && (
            <div className="banner banner--error chat-panel__error" role="alert">
              <span>Chat error: {error}</span>
              <button
                type="button"
                className="button button--quiet"
                onClick={() => {
                  setError(null);
                }}
              >
                Dismiss
              </button>
            </div>
          )}
          {builtin ? (
            <Suspense
              fallback={
                <p className="chat-panel__loading" role="status">
                  Loading the assistant…
                </p>
              }
            >
              <BuiltinChatPanel options={options} onReady={bridge.bind} />
            </Suspense>
          ) : (
            <OfficialChatKit options={options} bridge={bridge} />
          )}
        </>
      )}
    </section>
  );
}
