import { act, render, screen } from "@testing-library/react";

import type { Api } from "../lib/api";
import { CHATKIT_LOAD_TIMEOUT_MS } from "../lib/config";
import { ChatKitPanel } from "./ChatKitPanel";

const api = { searchEntities: vi.fn(), entityPreview: vi.fn() } as unknown as Api;

describe("ChatKitPanel", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says plainly that the chat did not load, and that the board still works", async () => {
    render(
      <ChatKitPanel
        api={api}
        domainKey="domain_pk_test"
        selectTask={vi.fn()}
        showAssignee={vi.fn()}
        refreshBoard={vi.fn()}
      />,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Loading the assistant");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(CHATKIT_LOAD_TIMEOUT_MS);
    });

    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The chat assistant could not load");
    expect(alert).toHaveTextContent("cdn.platform.openai.com");
    expect(alert).toHaveTextContent("The board still works");
    expect(console.error).toHaveBeenCalled();
  });
});
