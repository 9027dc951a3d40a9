import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ApiError } from "../lib/api";
import { transitionsFor } from "../lib/board";
import { APPROVER_TRANSITIONS, BOB, makeTask } from "../test/fixtures";
import { TaskCard } from "./TaskCard";

function renderCard(overrides: Parameters<typeof makeTask>[0] = {}, onTransition = vi.fn()) {
  const task = makeTask({
    title: "Dark mode",
    status: "review",
    priority: "high",
    assignee: BOB,
    due_date: "2026-01-04",
    ...overrides,
  });
  render(
    <TaskCard
      task={task}
      transitions={transitionsFor(task, APPROVER_TRANSITIONS)}
      selected={false}
      today="2026-01-05"
      onTransition={onTransition}
    />,
  );
  return { task, onTransition };
}

describe("TaskCard", () => {
  it("shows title, priority, assignee and due date", () => {
    renderCard();
    const card = screen.getByRole("article", { name: "Dark mode" });
    expect(card).toHaveTextContent("High");
    expect(card).toHaveTextContent("Bob Member");
    expect(card).toHaveTextContent(/Due .*2026/);
    expect(card).toHaveTextContent("overdue");
  });

  it("says when nobody is assigned and leaves out a missing due date", () => {
    renderCard({ assignee: null, due_date: null });
    const card = screen.getByRole("article");
    expect(card).toHaveTextContent("Unassigned");
    expect(card).not.toHaveTextContent("Due");
  });

  it("offers one button per transition the user may make from the task's status", () => {
    renderCard();
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Approve", "Reject"]);
  });

  it("runs the transition on click and disables the buttons meanwhile", async () => {
    let finish: () => void = () => undefined;
    const onTransition = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const { task } = renderCard({}, onTransition);
    await userEvent.click(screen.getByRole("button", { name: "Approve" }));
    expect(onTransition).toHaveBeenCalledWith(task, "approve");
    expect(screen.getByRole("button", { name: "Approve…" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Reject" })).toBeDisabled();
    finish();
    expect(await screen.findByRole("button", { name: "Approve" })).toBeEnabled();
  });

  it("shows the server's reason when a transition is refused", async () => {
    const onTransition = vi
      .fn()
      .mockRejectedValue(new ApiError(409, "Task #9 is in Done, not Review."));
    renderCard({}, onTransition);
    await userEvent.click(screen.getByRole("button", { name: "Reject" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Task #9 is in Done, not Review.");
    expect(screen.getByRole("button", { name: "Reject" })).toBeEnabled();
  });

  it("is reachable and usable from the keyboard", async () => {
    const { onTransition } = renderCard({ status: "todo" });
    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Start" })).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    expect(onTransition).toHaveBeenCalledWith(expect.anything(), "start");
  });
});
