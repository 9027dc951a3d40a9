import type { WidgetAction } from "./handlers";

export interface ChatKitMethods {
  sendCustomAction: (action: WidgetAction, itemId?: string) => Promise<void>;
  sendUserMessage: (params: { text: string }) => Promise<void>;
}

/**
 * The handlers are built before useChatKit returns its methods; this bridge
 * lets them call the methods later, once bound.
 */
export function createChatKitBridge(logger: Pick<Console, "warn"> = console) {
  let target: ChatKitMethods | null = null;
  return {
    bind: (methods: ChatKitMethods | null): void => {
      target = methods;
    },
    sendCustomAction: async (action: WidgetAction, itemId?: string): Promise<void> => {
      if (!target) {
        logger.warn(`ChatKit is not ready; dropped action "${action.type}"`);
        return;
      }
      await target.sendCustomAction(action, itemId);
    },
    sendUserMessage: async (params: { text: string }): Promise<void> => {
      if (!target) {
        logger.warn("ChatKit is not ready; dropped a message");
        return;
      }
      await target.sendUserMessage(params);
    },
  };
}
