import { createCsrfFetch, csrfToken, needsCsrf } from "./csrf";

describe("csrfToken", () => {
  it("reads the csrftoken cookie among others", () => {
    expect(csrfToken("sessionid=abc; csrftoken=tok%3D123; theme=dark")).toBe("tok=123");
  });

  it("is null when the cookie is missing", () => {
    expect(csrfToken("sessionid=abc")).toBeNull();
    expect(csrfToken("")).toBeNull();
  });

  it("does not match a cookie whose name only ends in csrftoken", () => {
    expect(csrfToken("xcsrftoken=nope")).toBeNull();
  });
});

describe("needsCsrf", () => {
  it("exempts only safe methods", () => {
    expect(needsCsrf("GET")).toBe(false);
    expect(needsCsrf(undefined)).toBe(false);
    expect(needsCsrf("post")).toBe(true);
    expect(needsCsrf("PATCH")).toBe(true);
    expect(needsCsrf("DELETE")).toBe(true);
  });
});

describe("createCsrfFetch", () => {
  function setup(token: string | null = "tok") {
    const base = vi.fn<typeof fetch>().mockResolvedValue(new Response("{}"));
    const csrfFetch = createCsrfFetch(base, () => token);
    const sent = () => {
      const [input, init] = base.mock.calls[0] ?? [];
      return { input, init, headers: new Headers(init?.headers) };
    };
    return { csrfFetch, sent };
  }

  it("sends the CSRF header and same-origin cookies on a POST, keeping other headers", async () => {
    const { csrfFetch, sent } = setup();
    await csrfFetch("/chatkit", {
      method: "POST",
      body: "{}",
      headers: { "Content-Type": "application/json" },
    });
    const { input, init, headers } = sent();
    expect(input).toBe("/chatkit");
    expect(init?.credentials).toBe("same-origin");
    expect(init?.body).toBe("{}");
    expect(headers.get("X-CSRFToken")).toBe("tok");
    expect(headers.get("Content-Type")).toBe("application/json");
  });

  it("adds no token to a GET but still sends cookies", async () => {
    const { csrfFetch, sent } = setup();
    await csrfFetch("/api/tasks");
    expect(sent().headers.has("X-CSRFToken")).toBe(false);
    expect(sent().init?.credentials).toBe("same-origin");
  });

  it("uses the method of a Request object", async () => {
    const { csrfFetch, sent } = setup();
    await csrfFetch(new Request("http://localhost/chatkit", { method: "POST" }));
    expect(sent().headers.get("X-CSRFToken")).toBe("tok");
  });

  it("sends the request without a token when the cookie is missing (the server answers 403)", async () => {
    const { csrfFetch, sent } = setup(null);
    await csrfFetch("/chatkit", { method: "POST" });
    expect(sent().headers.has("X-CSRFToken")).toBe(false);
  });
});
