import { makeTask } from "../test/fixtures";
import {
  UNAUTHORIZED_CLOSE_CODE,
  boardSocketUrl,
  connectBoardSocket,
  parseBoardMessage,
  reconnectDelay,
  type SocketStatus,
} from "./socket";

class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  open() {
    this.onopen?.();
  }

  receive(data: unknown) {
    this.onmessage?.({ data } as MessageEvent);
  }

  drop(code = 1006) {
    this.onclose?.({ code } as CloseEvent);
  }

  close() {
    this.closed = true;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const statuses: SocketStatus[] = [];
  const messages: unknown[] = [];
  const onReconnect = vi.fn();
  const connection = connectBoardSocket({
    url: "ws://example.test/ws/board/",
    onMessage: (message) => messages.push(message),
    onStatus: (status) => statuses.push(status),
    onReconnect,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    schedule: (fn, ms) => timers.push({ fn, ms }),
    cancel: vi.fn(),
    random: () => 0.5,
  });
  const socket = (index: number) => {
    const found = sockets[index];
    if (!found) throw new Error(`no socket #${index}`);
    return found;
  };
  return { sockets, socket, timers, statuses, messages, onReconnect, connection };
}

describe("connectBoardSocket", () => {
  it("passes task messages on and reports the connection live", () => {
    const { socket, statuses, messages } = setup();
    socket(0).open();
    const task = makeTask();
    socket(0).receive(JSON.stringify({ type: "task.changed", task }));
    socket(0).receive(JSON.stringify({ type: "task.deleted", id: 4 }));
    expect(statuses).toEqual(["connecting", "live"]);
    expect(messages).toEqual([
      { type: "task.changed", task },
      { type: "task.deleted", id: 4 },
    ]);
  });

  it("reconnects with growing delays and reloads the board once back", () => {
    const { sockets, socket, timers, statuses, onReconnect } = setup();
    socket(0).open();
    socket(0).drop();
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers[0]?.fn();
    socket(1).drop();
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]);
    timers[1]?.fn();
    expect(onReconnect).not.toHaveBeenCalled();
    socket(2).open();
    expect(sockets).toHaveLength(3);
    expect(onReconnect).toHaveBeenCalledTimes(1);
    expect(statuses.at(-1)).toBe("live");
    // A later drop starts the backoff from the beginning again.
    socket(2).drop();
    expect(timers.at(-1)?.ms).toBe(500);
  });

  it("stops when the server refuses an unauthenticated socket", () => {
    const { socket, timers, statuses } = setup();
    socket(0).drop(UNAUTHORIZED_CLOSE_CODE);
    expect(statuses.at(-1)).toBe("signed_out");
    expect(timers).toEqual([]);
  });

  it("closes for good when the page is done with it", () => {
    const { socket, timers, connection } = setup();
    socket(0).open();
    connection.close();
    expect(socket(0).closed).toBe(true);
    socket(0).drop();
    expect(timers).toEqual([]);
  });
});

describe("parseBoardMessage", () => {
  it("ignores anything that is not a board message", () => {
    expect(parseBoardMessage("not json")).toBeNull();
    expect(parseBoardMessage(JSON.stringify({ type: "error", detail: "x" }))).toBeNull();
    expect(parseBoardMessage(JSON.stringify({ type: "task.deleted", id: "4" }))).toBeNull();
    expect(parseBoardMessage(JSON.stringify({ type: "task.changed" }))).toBeNull();
    expect(parseBoardMessage(new ArrayBuffer(2))).toBeNull();
  });
});

describe("reconnectDelay", () => {
  it("doubles up to a cap of 15 seconds, with jitter", () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(500);
    expect(reconnectDelay(3, () => 0.5)).toBe(4000);
    expect(reconnectDelay(20, () => 0.5)).toBe(15000);
    expect(reconnectDelay(0, () => 0)).toBe(375);
    expect(reconnectDelay(0, () => 1)).toBe(625);
  });
});

describe("boardSocketUrl", () => {
  it("follows the page's scheme and host", () => {
    expect(boardSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe(
      "ws://127.0.0.1:8000/ws/board/",
    );
    expect(boardSocketUrl({ protocol: "https:", host: "tasks.example.com" })).toBe(
      "wss://tasks.example.com/ws/board/",
    );
  });
});
