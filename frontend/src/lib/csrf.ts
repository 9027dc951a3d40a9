const CSRF_COOKIE = "csrftoken";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/** The CSRF token Django set in its cookie (readable by design: CSRF_COOKIE_HTTPONLY is off). */
export function csrfToken(cookieString: string = document.cookie): string | null {
  for (const part of cookieString.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) {
      return decodeURIComponent(rest.join("="));
    }
  }
  return null;
}

export function needsCsrf(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? "GET").toUpperCase());
}

type FetchLike = typeof fetch;

/**
 * A fetch that behaves like a same-origin form post: session cookies go along
 * and unsafe methods carry the X-CSRFToken header Django checks.
 */
export function createCsrfFetch(
  baseFetch: FetchLike = (...args) => fetch(...args),
  readToken: () => string | null = () => csrfToken(),
): FetchLike {
  return (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : {}));
    if (needsCsrf(method)) {
      const token = readToken();
      if (token) {
        headers.set("X-CSRFToken", token);
      }
    }
    return baseFetch(input, { ...init, headers, credentials: "same-origin" });
  };
}
