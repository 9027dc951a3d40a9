import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ThreadHistory } from "./ThreadHistory";
import type { Page, Thread } from "./types";

const thread = (id: string, title: string): Thread => ({
  id,
  title,
  created_at: "2026-12-03T16:00:00Z",
  status: { type: "active" },
  items: { data: [], has_more: false, after: null },
});

function renderHistory(threads: Thread[]) {
  const page: Page<Thread> = { data: threads, has_more: false, after: null };
  const deleteThread = vi.fn<(id: string) => Promise<void>>().mockResolvedValue(undefined);
  render(
    <ThreadHistory
      currentThreadId={null}
      showRename
      showDelete
      listThreads={() => Promise.resolve(page)}
      renameThread={(id, title) => Promise.resolve({ ...thread(id, title) })}
      deleteThread={deleteThread}
      onOpen={vi.fn()}
      onError={vi.fn()}
    />,
  );
  return { deleteThread };
}

describe("ThreadHistory", () => {
  it("asks before deleting: Cancel (focused) or Escape keeps the chat, Delete removes it", async () => {
    const { deleteThread } = renderHistory([thread("thr_1", "Plans"), thread("thr_2", "Notes")]);
    const user = userEvent.setup();

    await user.click(await screen.findByRole("button", { name: "Delete “Plans”" }));
    const question = screen.getByRole("group", { name: "Delete “Plans”?" });
    expect(question).toHaveTextContent("This cannot be undone.");
    expect(within(question).getByRole("button", { name: "Cancel" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete “Plans”" })).toHaveFocus();
    expect(deleteThread).not.toHaveBeenCalled();

    // From the keyboard: Enter asks, Tab back to Delete, Enter confirms.
    await user.keyboard("{Enter}");
    await user.keyboard("{Shift>}{Tab}{/Shift}");
    expect(
      within(screen.getByRole("group", { name: "Delete “Plans”?" })).getByRole("button", {
        name: "Delete",
      }),
    ).toHaveFocus();
    await user.keyboard("{Enter}");

    expect(deleteThread).toHaveBeenCalledExactlyOnceWith("thr_1");
    await waitFor(() => {
      expect(screen.queryByRole("button", { name: /^Plans/ })).not.toBeInTheDocument();
    });
    // Focus moves on to the next chat rather than being lost.
    expect(screen.getByRole("button", { name: /^Notes/ })).toHaveFocus();
  });
});
