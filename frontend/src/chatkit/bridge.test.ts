import { createChatKitBridge } from "./bridge";

describe("createChatKitBridge", () => {
  it("forwards to ChatKit's methods once bound", async () => {
    const bridge = createChatKitBridge({ warn: vi.fn() });
    const methods = {
      sendCustomAction: vi.fn().mockResolvedValue(undefined),
      sendUserMessage: vi.fn().mockResolvedValue(undefined),
    };
    bridge.bind(methods);
    await bridge.sendCustomAction({ type: "task.select", payload: { task_id: 1 } }, "wi_1");
    await bridge.sendUserMessage({ text: "show tasks" });
    expect(methods.sendCustomAction).toHaveBeenCalledWith(
      { type: "task.select", payload: { task_id: 1 } },
      "wi_1",
    );
    expect(methods.sendUserMessage).toHaveBeenCalledWith({ text: "show tasks" });
  });

  it("warns instead of throwing before ChatKit is mounted, and after it is gone", async () => {
    const warn = vi.fn();
    const bridge = createChatKitBridge({ warn });
    await bridge.sendUserMessage({ text: "hi" });
    bridge.bind({ sendCustomAction: vi.fn(), sendUserMessage: vi.fn() });
    bridge.bind(null);
    await bridge.sendCustomAction({ type: "task.select" });
    expect(warn).toHaveBeenCalledTimes(2);
  });
});
