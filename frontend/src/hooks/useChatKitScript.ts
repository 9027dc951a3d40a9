import { useEffect, useState } from "react";

import { waitForChatKitElement, type ScriptState } from "../chatkit/loader";

/** Whether the ChatKit web component from the CDN is usable on this page. */
export function useChatKitScript(): ScriptState {
  const [state, setState] = useState<ScriptState>("loading");

  useEffect(() => {
    let active = true;
    const script = document.querySelector<HTMLScriptElement>("script[data-chatkit]");
    void waitForChatKitElement({ script }).then((result) => {
      if (!active) return;
      if (result === "failed") {
        console.error("The ChatKit script did not load; the chat panel is unavailable.");
      }
      setState(result);
    });
    return () => {
      active = false;
    };
  }, []);

  return state;
}
