import { act, fireEvent, render, screen } from "@testing-library/react";

import { NO_FILTERS } from "../lib/types";
import { BOB } from "../test/fixtures";
import { FilterBar } from "./FilterBar";

const ALICE = { id: 1, username: "alice", display_name: "Alice Approver" };

function renderBar(filters = NO_FILTERS) {
  const onChange = vi.fn();
  const view = render(
    <FilterBar
      filters={filters}
      people={[ALICE, BOB]}
      meId={1}
      shown={3}
      onChange={onChange}
      searchDelayMs={250}
    />,
  );
  return { onChange, view };
}

describe("FilterBar", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("searches once typing pauses", () => {
    const { onChange } = renderBar();
    const box = screen.getByRole("searchbox", { name: "Search" });
    fireEvent.change(box, { target: { value: "log" } });
    fireEvent.change(box, { target: { value: "login" } });
    expect(onChange).not.toHaveBeenCalled();
    act(() => {
      vi.advanceTimersByTime(250);
    });
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith({ ...NO_FILTERS, q: "login" });
  });

  it("filters by priority and assignee at once, marking the user", () => {
    const { onChange } = renderBar();
    fireEvent.change(screen.getByRole("combobox", { name: "Priority" }), {
      target: { value: "high" },
    });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTERS, priority: "high" });
    const assignee = screen.getByRole("combobox", { name: "Assignee" });
    expect(screen.getByRole("option", { name: "Alice Approver (me)" })).toBeInTheDocument();
    fireEvent.change(assignee, { target: { value: "2" } });
    expect(onChange).toHaveBeenLastCalledWith({ ...NO_FILTERS, assignee: 2 });
  });

  it("clears every filter, and follows filters changed from outside", () => {
    const { onChange, view } = renderBar({ q: "login", priority: "high", assignee: null });
    expect(screen.getByText(/3 tasks/)).toHaveTextContent("3 tasks match");
    fireEvent.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(onChange).toHaveBeenCalledWith(NO_FILTERS);
    view.rerender(
      <FilterBar filters={NO_FILTERS} people={[]} meId={1} shown={12} onChange={onChange} />,
    );
    expect(screen.getByRole("searchbox", { name: "Search" })).toHaveValue("");
    expect(screen.queryByRole("button", { name: "Clear filters" })).not.toBeInTheDocument();
  });
});
