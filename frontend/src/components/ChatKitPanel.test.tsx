import { act, render, screen } from "@testing-library/react";

import type { Api } from "../lib/api";
import { CHATKIT_LOAD_TIMEOUT_MS, type ChatKitUi } from "../lib/config";
import { ChatKitPanel } from "./ChatKitPanel";

const api = { searchEntities: vi.fn(), entityPreview: vi.fn() } as unknown as Api;

function renderPanel(ui: ChatKitUi) {
  return render(
    <ChatKitPanel
      api={api}
      domainKey="domain_pk_test"
      ui={ui}
      selectTask={vi.fn()}
      showAssignee={vi.fn()}
      refreshBoard={vi.fn()}
    />,
  );
}

describe("ChatKitPanel", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("with CHATKIT_UI=openai says plainly that the chat did not load, and that the board still works", async () => {
    renderPanel("openai");
    expect(screen.getByRole("status")).toHaveTextContent("Loading the assistant");
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(CHATKIT_LOAD_TIMEOUT_MS);
    });

    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The chat assistant could not load");
    expect(alert).toHaveTextContent("cdn.platform.openai.com");
    expect(alert).toHaveTextContent("The board still works");
    expect(screen.queryByTestId("builtin-chat")).not.toBeInTheDocument();
    expect(console.error).toHaveBeenCalled();
  });

  it("with CHATKIT_UI=auto falls back to the built-in panel when the CDN element never arrives", async () => {
    renderPanel("auto");
    expect(screen.getByRole("status")).toHaveTextContent("Loading the assistant");
    expect(screen.queryByTestId("builtin-chat")).not.toBeInTheDocument();

    await act(async () => {
      await vi.advanceTimersByTimeAsync(CHATKIT_LOAD_TIMEOUT_MS);
    });

    // The built-in panel is its own chunk, loaded on demand: real time from here.
    vi.useRealTimers();
    expect(await screen.findByTestId("builtin-chat")).toBeInTheDocument();
    expect(screen.getByText("What should we get done?")).toBeInTheDocument();
    expect(screen.queryByText("The chat assistant could not load")).not.toBeInTheDocument();
  });

  it("with CHATKIT_UI=builtin shows the built-in panel at once, with the options' start screen", async () => {
    vi.useRealTimers();
    renderPanel("builtin");
    expect(await screen.findByTestId("builtin-chat")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Show my tasks/ })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Message" })).toHaveAttribute(
      "placeholder",
      "Ask about tasks, or type @ to mention one",
    );
    expect(screen.queryByText("Loading the assistant…")).not.toBeInTheDocument();
    expect(console.error).not.toHaveBeenCalled();
  });
});
