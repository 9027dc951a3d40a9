import { ChatKit, useChatKit } from "@openai/chatkit-react";
import { useEffect, useMemo, useState } from "react";

import { createChatKitBridge } from "../chatkit/bridge";
import { buildChatKitOptions } from "../chatkit/options";
import { useChatKitScript } from "../hooks/useChatKitScript";
import type { Api } from "../lib/api";
import { CHATKIT_SCRIPT_URL } from "../lib/config";
import { createCsrfFetch } from "../lib/csrf";

export interface ChatKitPanelProps {
  api: Api;
  domainKey: string;
  selectTask: (taskId: number) => void;
  showAssignee: (userId: number) => void;
  refreshBoard: () => void;
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

function ChatKitView(props: ChatKitPanelProps & { onError: (message: string) => void }) {
  const { api, domainKey, selectTask, showAssignee, refreshBoard, onError } = props;
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
  const chatkit = useChatKit(options);

  useEffect(() => {
    bridge.bind(chatkit);
    return () => {
      bridge.bind(null);
    };
  }, [bridge, chatkit]);

  return <ChatKit control={chatkit.control} className="chatkit" />;
}

export function ChatKitPanel(props: ChatKitPanelProps) {
  const scriptState = useChatKitScript();
  const [error, setError] = useState<string | null>(null);

  return (
    <section className="chat-panel" aria-label="Assistant">
      {scriptState === "failed" ? (
        <ChatUnavailable />
      ) : (
        <>
          {scriptState === "loading" && (
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
          <ChatKitView {...props} onError={setError} />
        </>
      )}
    </section>
  );
}
