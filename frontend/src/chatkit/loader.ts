import { CHATKIT_ELEMENT, CHATKIT_LOAD_TIMEOUT_MS } from "../lib/config";

export type ScriptState = "loading" | "ready" | "failed";

export interface ElementRegistry {
  get: (name: string) => unknown;
  whenDefined: (name: string) => Promise<unknown>;
}

export interface WaitOptions {
  registry?: ElementRegistry;
  /** The <script> tag that loads ChatKit; its error event fails fast. */
  script?: HTMLScriptElement | null;
  timeoutMs?: number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

/**
 * Resolves "ready" once <openai-chatkit> is defined, or "failed" when its
 * script errors or the element is still missing after the timeout.
 */
export function waitForChatKitElement(options: WaitOptions = {}): Promise<ScriptState> {
  const registry = options.registry ?? customElements;
  const timeoutMs = options.timeoutMs ?? CHATKIT_LOAD_TIMEOUT_MS;
  const schedule = options.schedule ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel =
    options.cancel ??
    ((handle: unknown) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    });

  if (registry.get(CHATKIT_ELEMENT)) return Promise.resolve("ready");

  const script = options.script;
  // index.html marks the tag when its error fired before this code ran.
  if (script?.dataset.failed === "true") return Promise.resolve("failed");

  return new Promise<ScriptState>((resolve) => {
    let settled = false;
    const onError = () => {
      finish("failed");
    };
    const timer = schedule(() => {
      finish(registry.get(CHATKIT_ELEMENT) ? "ready" : "failed");
    }, timeoutMs);
    function finish(state: ScriptState): void {
      if (settled) return;
      settled = true;
      cancel(timer);
      script?.removeEventListener("error", onError);
      resolve(state);
    }
    script?.addEventListener("error", onError);
    void registry.whenDefined(CHATKIT_ELEMENT).then(() => {
      finish("ready");
    });
  });
}
