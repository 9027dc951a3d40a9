import { silentLogger } from "../test/fixtures";
import { buildChatKitOptions, COMPOSER_TOOLS } from "./options";

function build() {
  const deps = {
    domainKey: "domain_pk_test",
    fetch: vi.fn<typeof fetch>(),
    api: { searchEntities: vi.fn(), entityPreview: vi.fn() },
    selectTask: vi.fn(),
    showAssignee: vi.fn(),
    refreshBoard: vi.fn(),
    reportError: vi.fn(),
    sendCustomAction: vi.fn().mockResolvedValue(undefined),
    sendUserMessage: vi.fn().mockResolvedValue(undefined),
    logger: silentLogger(),
  };
  return { deps, options: buildChatKitOptions(deps) };
}

describe("buildChatKitOptions", () => {
  it("talks to /chatkit with the domain key and the CSRF-aware fetch", () => {
    const { deps, options } = build();
    expect(options.api).toEqual({
      url: "/chatkit",
      domainKey: "domain_pk_test",
      fetch: deps.fetch,
    });
  });

  it("offers the chat, create and review composer tools with labels, icons and placeholders", () => {
    const { options } = build();
    expect(options.composer?.tools).toBe(COMPOSER_TOOLS);
    expect(COMPOSER_TOOLS.map((tool) => tool.id)).toEqual(["chat", "create", "review"]);
    for (const tool of COMPOSER_TOOLS) {
      expect(tool.label).toBeTruthy();
      expect(tool.icon).toBeTruthy();
      expect(tool.placeholderOverride).toBeTruthy();
    }
  });

  it("turns on feedback and retry", () => {
    expect(build().options.threadItemActions).toEqual({ feedback: true, retry: true });
  });

  it("wires every handler to the board", async () => {
    const { deps, options } = build();
    await options.widgets?.onAction?.(
      { type: "task.select", payload: { task_id: 4 } },
      { id: "wi_1", widget: { type: "Card", children: [] } },
    );
    expect(deps.selectTask).toHaveBeenCalledWith(4);
    expect(deps.sendCustomAction).toHaveBeenCalledWith(
      { type: "task.select", payload: { task_id: 4 } },
      "wi_1",
    );

    options.entities?.onClick?.({ id: "user:2", title: "Bob" });
    expect(deps.showAssignee).toHaveBeenCalledWith(2);

    options.onEffect?.({ name: "tasks.changed" });
    expect(deps.refreshBoard).toHaveBeenCalled();

    options.onError?.({ error: new Error("boom") });
    expect(deps.reportError).toHaveBeenCalledWith("boom");
    expect(deps.logger.error).toHaveBeenCalled();

    deps.api.entityPreview.mockResolvedValue({ preview: { type: "Card", children: [] } });
    await expect(
      options.entities?.onRequestPreview?.({ id: "task:4", title: "T" }),
    ).resolves.toEqual({ preview: { type: "Card", children: [] } });
    expect(options.entities?.onTagSearch).toBeTypeOf("function");
  });
});
