import type { BoardMessage } from "./types";

export type SocketStatus = "connecting" | "live" | "reconnecting" | "signed_out";

/** Close code the board consumer uses for an unauthenticated socket. */
export const UNAUTHORIZED_CLOSE_CODE = 4401;

export interface BoardSocketOptions {
  url: string;
  onMessage: (message: BoardMessage) => void;
  onStatus: (status: SocketStatus) => void;
  /** Called after a reconnect, so the board can reload what it missed while offline. */
  onReconnect?: () => void;
  createSocket?: (url: string) => WebSocket;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  random?: () => number;
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 15 s. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(15_000, 500 * 2 ** attempt);
  return Math.round(base * (0.75 + random() * 0.5));
}

export function parseBoardMessage(data: unknown): BoardMessage | null {
  if (typeof data !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const message = value as Record<string, unknown>;
  if (message.type === "task.changed" && message.task && typeof message.task === "object") {
    return message as unknown as BoardMessage;
  }
  if (message.type === "task.deleted" && typeof message.id === "number") {
    return message as unknown as BoardMessage;
  }
  return null;
}

export function boardSocketUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/board/`;
}

/** Keeps a board socket open until `close()` is called, reconnecting with backoff. */
export function connectBoardSocket(options: BoardSocketOptions): { close: () => void } {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  const schedule = options.schedule ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel =
    options.cancel ??
    ((handle: unknown) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    });
  const random = options.random ?? Math.random;

  let socket: WebSocket | null = null;
  let attempt = 0;
  let timer: unknown = null;
  let closed = false;
  let everOpened = false;

  function open(): void {
    options.onStatus(attempt === 0 ? "connecting" : "reconnecting");
    const current = createSocket(options.url);
    socket = current;
    current.onopen = () => {
      if (everOpened) options.onReconnect?.();
      everOpened = true;
      attempt = 0;
      options.onStatus("live");
    };
    current.onmessage = (event: MessageEvent) => {
      const message = parseBoardMessage(event.data);
      if (message) options.onMessage(message);
    };
    current.onclose = (event: CloseEvent) => {
      if (closed || socket !== current) return;
      socket = null;
      if (event.code === UNAUTHORIZED_CLOSE_CODE) {
        options.onStatus("signed_out");
        return;
      }
      options.onStatus("reconnecting");
      timer = schedule(open, reconnectDelay(attempt, random));
      attempt += 1;
    };
  }

  open();
  return {
    close() {
      closed = true;
      if (timer !== null) cancel(timer);
      socket?.close();
      socket = null;
    },
  };
}
