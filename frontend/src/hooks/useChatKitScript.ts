import { useEffect, useState } from "react";

import { waitForChatKitElement, type ScriptState } from "../chatkit/loader";

/**
 * Whether the ChatKit web component from the CDN is usable on this page. When
 * `wanted` is false (CHATKIT_UI=builtin, no script tag on the page) nothing is
 * awaited and the state stays "loading".
 */
export function useChatKitScript(wanted = true): ScriptState {
  const [state, setState] = useState<ScriptState>("loading");

  useEffect(() => {
    if (!wanted) return;
    let active = true;
    const script = document.querySelector<HTMLScriptElement>("script[data-chatkit]");
    void waitForChatKitElement({ script }).then((result) => {
      if (!active) return;
      if (result === "failed") {
        console.error("The ChatKit script did not load; the OpenAI chat panel is unavailable.");
      }
      setState(result);
    });
    return () => {
      active = false;
    };
  }, [wanted]);

  return state;
}
