import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { ActionConfig, WidgetRoot } from "../types";
import { WidgetView } from "./WidgetView";

const HOSTILE = 'Fix "quotes" \\ {{ 7*7 }} </script> <img src=x onerror=alert(1)>';
const START: ActionConfig = { type: "task.start", handler: "server", payload: { task_id: 7 } };
const SELECT: ActionConfig = { type: "task.select", handler: "client", payload: { task_id: 7 } };

function card(title = "Write docs"): WidgetRoot {
  return {
    type: "Card",
    size: "md",
    key: "task-7",
    children: [
      {
        type: "Row",
        gap: 2,
        children: [
          { type: "Caption", value: "#7", color: "tertiary" },
          { type: "Title", value: title, size: "sm" },
          { type: "Spacer" },
          { type: "Badge", label: "To do", color: "secondary" },
        ],
      },
      { type: "Markdown", value: "**Bold** <b>raw</b>" },
      { type: "Divider" },
      { type: "Icon", name: "calendar" },
      {
        type: "Row",
        children: [
          { type: "Button", label: "Start", style: "primary", onClickAction: START },
          {
            type: "Button",
            label: "Select",
            style: "secondary",
            onClickAction: SELECT,
            iconStart: "check",
          },
        ],
      },
    ],
  };
}

const FORM: WidgetRoot = {
  type: "Card",
  children: [
    {
      type: "Form",
      direction: "col",
      onSubmitAction: { type: "task.create", handler: "server" },
      children: [
        { type: "Label", value: "Title", fieldName: "title" },
        { type: "Input", name: "title", required: true, defaultValue: "" },
        { type: "Caption", value: "This field is required.", color: "danger" },
        { type: "Label", value: "Description", fieldName: "description" },
        { type: "Textarea", name: "description", rows: 3, defaultValue: "" },
        { type: "Label", value: "Priority", fieldName: "priority" },
        {
          type: "Select",
          name: "priority",
          defaultValue: "medium",
          options: [
            { value: "low", label: "Low" },
            { value: "medium", label: "Medium" },
          ],
        },
        { type: "Label", value: "Due date", fieldName: "due_date" },
        { type: "DatePicker", name: "due_date", clearable: true, placeholder: "No due date" },
        { type: "Button", submit: true, label: "Create task", style: "primary" },
      ],
    },
  ],
};

/** An onAction whose promise the test settles. */
function pendingAction() {
  let finish: () => void = () => undefined;
  const onAction = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
  );
  return {
    onAction,
    finish: () => {
      finish();
    },
  };
}

describe("WidgetView", () => {
  it("shows user text as text, never as markup", () => {
    const { container } = render(<WidgetView widget={card(HOSTILE)} onAction={vi.fn()} />);
    expect(screen.getByText(HOSTILE)).toBeInTheDocument();
    expect(screen.getByText("raw", { exact: false })).toBeInTheDocument();
    expect(container.querySelector("img, b, script")).toBeNull();
    expect(screen.getByText("Bold").tagName).toBe("STRONG");
  });

  it("shows a visible placeholder for a component type it does not know", () => {
    render(
      <WidgetView
        widget={{
          type: "Card",
          children: [
            { type: "Chart", data: [] },
            { type: "Text", value: "after" },
          ],
        }}
        onAction={vi.fn()}
      />,
    );
    expect(screen.getByRole("note")).toHaveTextContent("Unsupported widget component: Chart");
    expect(screen.getByText("after")).toBeInTheDocument();
  });

  it("runs a button's action, shows it working and ignores clicks until it is done", async () => {
    const { onAction, finish } = pendingAction();
    render(<WidgetView widget={card()} onAction={onAction} />);
    const start = screen.getByRole("button", { name: "Start" });

    await userEvent.click(start);
    expect(onAction).toHaveBeenCalledWith(START, undefined);
    const busy = screen.getByRole("button", { name: /Start/ });
    expect(busy).toHaveAttribute("aria-busy", "true");
    expect(busy).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(busy);
    expect(onAction).toHaveBeenCalledTimes(1);

    await act(async () => {
      finish();
      await Promise.resolve();
    });
    expect(screen.getByRole("button", { name: "Start" })).not.toHaveAttribute("aria-busy");
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(onAction).toHaveBeenCalledTimes(2);
  });

  it("applies a double click once", async () => {
    const onAction = vi.fn().mockResolvedValue(undefined);
    render(<WidgetView widget={card()} onAction={onAction} />);
    await userEvent.dblClick(screen.getByRole("button", { name: "Start" }));
    expect(onAction).toHaveBeenCalledTimes(1);
  });

  it("holds back streamed server actions while disabled, not client ones", async () => {
    const onAction = vi.fn().mockResolvedValue(undefined);
    render(<WidgetView widget={card()} onAction={onAction} disabled />);
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(screen.getByRole("button", { name: "Start" })).toHaveAttribute("aria-disabled", "true");
    await userEvent.click(screen.getByRole("button", { name: "Select" }));
    expect(onAction).toHaveBeenCalledTimes(1);
    expect(onAction).toHaveBeenCalledWith(SELECT, undefined);
  });

  it("submits a form with its field values by name, labels pointing at the fields", async () => {
    const onAction = vi.fn().mockResolvedValue(undefined);
    render(<WidgetView widget={FORM} onAction={onAction} />);

    await userEvent.type(screen.getByLabelText("Title"), "Write docs");
    await userEvent.type(screen.getByLabelText("Description"), "Two lines");
    await userEvent.selectOptions(screen.getByLabelText("Priority"), "low");
    fireEvent.change(screen.getByLabelText("Due date"), { target: { value: "2026-12-24" } });
    await userEvent.click(screen.getByRole("button", { name: "Create task" }));

    expect(onAction).toHaveBeenCalledWith(
      { type: "task.create", handler: "server" },
      { title: "Write docs", description: "Two lines", priority: "low", due_date: "2026-12-24" },
    );
  });

  it("lets the browser's own validation block an empty required field", async () => {
    const onAction = vi.fn().mockResolvedValue(undefined);
    render(<WidgetView widget={FORM} onAction={onAction} />);
    await userEvent.click(screen.getByRole("button", { name: "Create task" }));
    expect(onAction).not.toHaveBeenCalled();
    expect(screen.getByLabelText("Title")).toBeInvalid();
  });

  it("shows the submit button working while the form's action runs", async () => {
    const { onAction, finish } = pendingAction();
    render(<WidgetView widget={FORM} onAction={onAction} />);
    await userEvent.type(screen.getByLabelText("Title"), "A");
    await userEvent.click(screen.getByRole("button", { name: "Create task" }));
    const busy = screen.getByRole("button", { name: /Create task/ });
    expect(busy).toHaveAttribute("aria-busy", "true");
    await userEvent.click(busy);
    expect(onAction).toHaveBeenCalledTimes(1);
    await act(async () => {
      finish();
      await Promise.resolve();
    });
  });

  it("pages a ListView with its own Show more and selects a row with its action", async () => {
    const onAction = vi.fn().mockResolvedValue(undefined);
    const items = ["One", "Two", "Three"].map((title, index) => ({
      type: "ListViewItem",
      key: `task-${index}`,
      onClickAction: { ...SELECT, payload: { task_id: index } },
      children: [
        { type: "Text", value: title },
        { type: "Button", label: `Start ${title}`, onClickAction: START },
      ],
    }));
    render(
      <WidgetView
        widget={{
          type: "ListView",
          limit: 2,
          status: { text: "Tasks", icon: "check-circle" },
          children: items,
        }}
        onAction={onAction}
      />,
    );
    const list = screen.getByRole("list");
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByText("Tasks")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: /Show more/ }));
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    expect(screen.queryByRole("button", { name: /Show more/ })).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "Two" }));
    expect(onAction).toHaveBeenLastCalledWith({ ...SELECT, payload: { task_id: 1 } }, undefined);
    await userEvent.click(screen.getByRole("button", { name: "Start Three" }));
    expect(onAction).toHaveBeenLastCalledWith(START, undefined);
    expect(onAction).toHaveBeenCalledTimes(2);
  });

  it("reports a failed action and frees the control", async () => {
    const onError = vi.fn();
    const onAction = vi.fn().mockRejectedValue(new Error("refused"));
    render(<WidgetView widget={card()} onAction={onAction} onError={onError} />);
    await userEvent.click(screen.getByRole("button", { name: "Start" }));
    expect(onError).toHaveBeenCalledWith(new Error("refused"));
    expect(screen.getByRole("button", { name: "Start" })).not.toHaveAttribute("aria-busy");
  });
});
