import type { Entity } from "@openai/chatkit-react";
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { COMPOSER_TOOLS } from "../chatkit/options";
import { Composer } from "./Composer";

const fixLogin: Entity = { id: "task:12", title: "Fix login", group: "Tasks", data: {} };
const fixLogout: Entity = { id: "task:13", title: "Fix logout", group: "Tasks", data: {} };
const bob: Entity = { id: "user:3", title: "Bob", group: "People", data: {} };

function setup(
  search = vi.fn((query: string) => Promise.resolve(query ? [fixLogin, fixLogout, bob] : [])),
) {
  const onSend = vi.fn();
  const onClick = vi.fn();
  render(
    <Composer
      composer={{ placeholder: "Ask", tools: COMPOSER_TOOLS }}
      entities={{ onTagSearch: search, onClick }}
      busy={false}
      canStop={false}
      onSend={onSend}
      onStop={vi.fn()}
    />,
  );
  return { onSend, onClick, search, box: screen.getByRole("textbox", { name: "Message" }) };
}

describe("Composer", () => {
  it("sends on Enter and breaks the line on Shift+Enter", async () => {
    const user = userEvent.setup();
    const { onSend, box } = setup();
    await user.type(box, "first{Shift>}{Enter}{/Shift}second");
    expect(box).toHaveValue("first\nsecond");
    await user.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith([{ type: "input_text", text: "first\nsecond" }], null);
    expect(box).toHaveValue("");
  });

  it("lists mention results grouped, walks them with the arrows and inserts a chip on Enter", async () => {
    const user = userEvent.setup();
    const { onSend, search, box } = setup();
    await user.type(box, "approve @fix");
    expect(search).toHaveBeenLastCalledWith("fix");

    const listbox = await screen.findByRole("listbox");
    expect(screen.getByRole("group", { name: "Tasks" })).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "People" })).toBeInTheDocument();
    const options = screen.getAllByRole("option");
    expect(options.map((option) => option.textContent)).toEqual(["Fix login", "Fix logout", "Bob"]);
    expect(options[0]).toHaveAttribute("aria-selected", "true");
    expect(box).toHaveAttribute("aria-activedescendant", options[0]?.id);

    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByRole("option")[1]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(screen.getAllByRole("option")[2]).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{ArrowDown}{Enter}");

    expect(listbox).not.toBeInTheDocument();
    expect(box).toHaveValue("approve @Fix login ");
    expect(screen.getByRole("button", { name: "@Fix login" })).toBeInTheDocument();
    expect(onSend).not.toHaveBeenCalled();

    await user.keyboard("now{Enter}");
    expect(onSend).toHaveBeenCalledWith(
      [
        { type: "input_text", text: "approve " },
        {
          type: "input_tag",
          id: "task:12",
          text: "Fix login",
          data: {},
          group: "Tasks",
          interactive: true,
        },
        { type: "input_text", text: " now" },
      ],
      null,
    );
  });

  it("closes the menu on Escape and then Enter sends the text as typed", async () => {
    const user = userEvent.setup();
    const { onSend, box } = setup();
    await user.type(box, "mail @bo");
    await screen.findByRole("listbox");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).not.toBeInTheDocument();
    await user.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith([{ type: "input_text", text: "mail @bo" }], null);
  });

  it("drops the results of a superseded search", async () => {
    let resolveFirst: (entities: Entity[]) => void = () => undefined;
    const search = vi.fn((query: string) =>
      query === "f"
        ? new Promise<Entity[]>((resolve) => {
            resolveFirst = resolve;
          })
        : Promise.resolve([fixLogout]),
    );
    const user = userEvent.setup();
    const { box } = setup(search);
    await user.type(box, "@fi");
    expect(await screen.findByRole("option", { name: "Fix logout" })).toBeInTheDocument();
    await act(async () => {
      resolveFirst([bob]);
      await Promise.resolve();
    });
    expect(screen.queryByRole("option", { name: "Bob" })).not.toBeInTheDocument();
  });

  it("a chosen tool changes the placeholder and is sent as tool_choice, then resets", async () => {
    const user = userEvent.setup();
    const { onSend, box } = setup();
    const review = screen.getByRole("button", { name: "Review" });
    await user.click(review);
    expect(review).toHaveAttribute("aria-pressed", "true");
    expect(box).toHaveAttribute("placeholder", "Show tasks waiting for review");
    await user.type(box, "go{Enter}");
    expect(onSend).toHaveBeenCalledWith([{ type: "input_text", text: "go" }], { id: "review" });
    expect(review).toHaveAttribute("aria-pressed", "false");

    await user.click(screen.getByRole("button", { name: "Tools" }));
    await user.click(screen.getByRole("menuitemradio", { name: "Create a task" }));
    expect(box).toHaveAttribute("placeholder", "Describe the task to create");
  });
});
