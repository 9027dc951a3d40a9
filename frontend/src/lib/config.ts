/** Page configuration Django renders into index.html, and fixed client settings. */

export const CHATKIT_API_URL = "/chatkit";
export const CHATKIT_SCRIPT_URL = "https://cdn.platform.openai.com/deployments/chatkit/chatkit.js";
export const CHATKIT_ELEMENT = "openai-chatkit";
/** How long the panel waits for the CDN script before falling back (auto) or saying it did not load (openai). */
export const CHATKIT_LOAD_TIMEOUT_MS = 5000;
export const DEFAULT_LOGOUT_URL = "/accounts/logout/";
export const DEFAULT_DOMAIN_KEY = "domain_pk_localhost_dev";

/** `CHATKIT_UI`: which chat panel the page shows. */
export const CHATKIT_UI_MODES = ["auto", "builtin", "openai"] as const;
export type ChatKitUi = (typeof CHATKIT_UI_MODES)[number];
export const DEFAULT_CHATKIT_UI: ChatKitUi = "auto";

export interface PageConfig {
  domainKey: string;
  logoutUrl: string;
  chatkitUi: ChatKitUi;
}

export function parseChatKitUi(value: unknown): ChatKitUi {
  return (CHATKIT_UI_MODES as readonly unknown[]).includes(value)
    ? (value as ChatKitUi)
    : DEFAULT_CHATKIT_UI;
}

function readJsonScript(doc: Document, id: string): unknown {
  const element = doc.getElementById(id);
  if (!element?.textContent) return undefined;
  try {
    return JSON.parse(element.textContent) as unknown;
  } catch {
    return undefined;
  }
}

export function readPageConfig(doc: Document = document): PageConfig {
  const domainKey = readJsonScript(doc, "chatkit-domain-key");
  const root = doc.getElementById("root");
  return {
    domainKey: typeof domainKey === "string" && domainKey ? domainKey : DEFAULT_DOMAIN_KEY,
    logoutUrl: root?.dataset.logoutUrl ?? DEFAULT_LOGOUT_URL,
    chatkitUi: parseChatKitUi(readJsonScript(doc, "chatkit-ui")),
  };
}
