import { waitForChatKitElement, type ElementRegistry } from "./loader";

function registry(defined = false) {
  let define: () => void = () => undefined;
  const whenDefined = new Promise<unknown>((resolve) => {
    define = () => {
      defined = true;
      resolve(undefined);
    };
  });
  const value: ElementRegistry = {
    get: (name) => (defined && name === "openai-chatkit" ? HTMLElement : undefined),
    whenDefined: () => whenDefined,
  };
  return {
    value,
    define: () => {
      define();
    },
  };
}

describe("waitForChatKitElement", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is ready at once when the element is already defined", async () => {
    await expect(waitForChatKitElement({ registry: registry(true).value })).resolves.toBe("ready");
  });

  it("becomes ready when the script defines the element in time", async () => {
    const fake = registry();
    const state = waitForChatKitElement({ registry: fake.value, timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(1000);
    fake.define();
    await expect(state).resolves.toBe("ready");
  });

  it("fails after the timeout when the script never arrives", async () => {
    const state = waitForChatKitElement({ registry: registry().value, timeoutMs: 5000 });
    let settled = false;
    void state.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(state).resolves.toBe("failed");
  });

  it("fails as soon as the script tag reports an error", async () => {
    const script = document.createElement("script");
    const state = waitForChatKitElement({ registry: registry().value, script, timeoutMs: 5000 });
    script.dispatchEvent(new Event("error"));
    await expect(state).resolves.toBe("failed");
  });

  it("fails at once when the script had already failed before the app started", async () => {
    const script = document.createElement("script");
    script.dataset.failed = "true";
    await expect(waitForChatKitElement({ registry: registry().value, script })).resolves.toBe(
      "failed",
    );
  });
});
