import { csrfToken } from "../lib/csrf";
import type { SocketStatus } from "../lib/socket";

export interface HeaderProps {
  displayName: string | null;
  logoutUrl: string;
  socketStatus: SocketStatus;
  /** A narrow header: the connection state in a word rather than a sentence. */
  compact?: boolean;
}

/** "Alice Approver" → "AA", "bob" → "B". */
export function initials(name: string): string {
  const letters = name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase());
  return letters.length > 1
    ? `${letters[0] ?? ""}${letters[letters.length - 1] ?? ""}`
    : (letters[0] ?? "?");
}

const SOCKET_TEXT: Record<SocketStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  signed_out: "Signed out: reload to sign in",
};
// Narrow headers have room for a word next to the dot, not a sentence.
const SOCKET_SHORT_TEXT: Record<SocketStatus, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Offline",
  signed_out: "Signed out",
};

export function Header({ displayName, logoutUrl, socketStatus, compact = false }: HeaderProps) {
  return (
    <header className="app-header">
      <a className="app-header__brand" href="/">
        <span className="app-header__logo" aria-hidden="true">
          ✓
        </span>
        <span className="app-header__title">Taskboard</span>
      </a>
      <p
        className={`socket-status socket-status--${socketStatus}`}
        role="status"
        title={`Board updates: ${SOCKET_TEXT[socketStatus]}`}
      >
        <span className="socket-status__dot" aria-hidden="true" />
        <span className="socket-status__text">
          <span className="visually-hidden">Board updates: </span>
          {(compact ? SOCKET_SHORT_TEXT : SOCKET_TEXT)[socketStatus]}
        </span>
      </p>
      <div className="app-header__user">
        {displayName && (
          <span className="avatar" aria-hidden="true">
            {initials(displayName)}
          </span>
        )}
        {displayName && (
          <span className="app-header__name">
            <span className="visually-hidden">Signed in as </span>
            {displayName}
          </span>
        )}
        {/* Django's LogoutView only accepts POST, with the CSRF token. */}
        <form method="post" action={logoutUrl}>
          <input type="hidden" name="csrfmiddlewaretoken" value={csrfToken() ?? ""} />
          <button type="submit" className="button button--quiet">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}
