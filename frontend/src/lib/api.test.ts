import { jsonResponse, makeTask } from "../test/fixtures";
import { ApiError, createApi, errorMessage, taskQuery } from "./api";
import { NO_FILTERS } from "./types";

function apiWith(...responses: Response[]) {
  const fetchMock = vi.fn<typeof fetch>();
  for (const response of responses) fetchMock.mockResolvedValueOnce(response);
  return { api: createApi(fetchMock), fetchMock };
}

describe("errorMessage", () => {
  it("uses a string detail as is", () => {
    expect(errorMessage(409, { detail: "Task #3 is already done." })).toBe(
      "Task #3 is already done.",
    );
  });

  it("joins validation errors with their field names", () => {
    const body = {
      detail: [
        { loc: ["body", "payload", "title"], msg: "String should have at least 1 character" },
        { loc: ["body"], msg: "Invalid JSON" },
      ],
    };
    expect(errorMessage(422, body)).toBe(
      "title: String should have at least 1 character; Invalid JSON",
    );
  });

  it("explains a 401/403 without a body, and gives the status otherwise", () => {
    expect(errorMessage(401, null)).toMatch(/signed out/);
    expect(errorMessage(502, "<html>")).toBe("The server answered 502.");
  });
});

describe("taskQuery", () => {
  it("sends only the filters that are set", () => {
    expect(taskQuery(NO_FILTERS, { limit: 100, offset: 0 })).toBe("limit=100&offset=0");
    expect(
      taskQuery({ q: "  login ", priority: "high", assignee: 3 }, { limit: 50, offset: 100 }),
    ).toBe("q=login&priority=high&assignee=3&limit=50&offset=100");
  });
});

describe("createApi", () => {
  it("posts a transition as JSON and returns the updated task", async () => {
    const updated = makeTask({ id: 7, status: "in_progress" });
    const { api, fetchMock } = apiWith(jsonResponse(updated));
    await expect(api.transition(7, "start")).resolves.toEqual(updated);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/tasks/7/transitions");
    expect(init?.method).toBe("POST");
    expect(init?.body).toBe(JSON.stringify({ action: "start" }));
    expect(new Headers(init?.headers).get("Content-Type")).toBe("application/json");
  });

  it("throws ApiError with the server's message on a refused transition", async () => {
    const { api } = apiWith(jsonResponse({ detail: "Only approvers can approve." }, 403));
    const error = await api.transition(7, "approve").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, message: "Only approvers can approve." });
  });

  it("pages through every task of the board", async () => {
    const first = Array.from({ length: 100 }, () => makeTask());
    const second = [makeTask(), makeTask()];
    const { api, fetchMock } = apiWith(
      jsonResponse({ items: first, count: 102 }),
      jsonResponse({ items: second, count: 102 }),
    );
    const tasks = await api.allTasks({ ...NO_FILTERS, q: "x" });
    expect(tasks).toHaveLength(102);
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      "/api/tasks?q=x&limit=100&offset=0",
      "/api/tasks?q=x&limit=100&offset=100",
    ]);
  });

  it("escapes entity ids and queries", async () => {
    const { api, fetchMock } = apiWith(jsonResponse([]), jsonResponse({ preview: null }));
    await api.searchEntities("a&b c");
    await api.entityPreview("task:12");
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual([
      "/api/entities?q=a%26b+c",
      "/api/entities/task%3A12/preview",
    ]);
  });

  it("reports a non-JSON error page by its status", async () => {
    const { api } = apiWith(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    await expect(api.me()).rejects.toMatchObject({ status: 502 });
  });
});
