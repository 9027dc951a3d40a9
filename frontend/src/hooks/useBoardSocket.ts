import { useEffect, useRef, useState } from "react";

import { boardSocketUrl, connectBoardSocket, type SocketStatus } from "../lib/socket";
import type { BoardMessage } from "../lib/types";

/** Listens to /ws/board/ for the page's lifetime, reconnecting with backoff. */
export function useBoardSocket(
  onMessage: (message: BoardMessage) => void,
  onReconnect: () => void,
): SocketStatus {
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const handlers = useRef({ onMessage, onReconnect });

  useEffect(() => {
    handlers.current = { onMessage, onReconnect };
  }, [onMessage, onReconnect]);

  useEffect(() => {
    const socket = connectBoardSocket({
      url: boardSocketUrl(window.location),
      onMessage: (message) => {
        handlers.current.onMessage(message);
      },
      onReconnect: () => {
        handlers.current.onReconnect();
      },
      onStatus: setStatus,
    });
    return () => {
      socket.close();
    };
  }, []);

  return status;
}
