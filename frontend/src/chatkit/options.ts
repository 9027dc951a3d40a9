import type { ToolOption, UseChatKitOptions } from "@openai/chatkit-react";

import type { Api } from "../lib/api";
import { CHATKIT_API_URL } from "../lib/config";
import {
  createEffectHandler,
  createEntityClickHandler,
  createErrorHandler,
  createLogHandler,
  createPreviewHandler,
  createTagSearch,
  createWidgetActionHandler,
  type Logger,
  type WidgetAction,
} from "./handlers";

/** Composer tools; the ids are the server's `inference_options.tool_choice.id` values. */
export const COMPOSER_TOOLS: ToolOption[] = [
  {
    id: "chat",
    label: "Chat",
    shortLabel: "Chat",
    icon: "sparkle",
    placeholderOverride: "Ask about tasks, or type @ to mention one",
    pinned: true,
  },
  {
    id: "create",
    label: "Create a task",
    shortLabel: "Create",
    icon: "plus",
    placeholderOverride: "Describe the task to create",
    pinned: true,
  },
  {
    id: "review",
    label: "Review tasks",
    shortLabel: "Review",
    icon: "check-circle",
    placeholderOverride: "Show tasks waiting for review",
    pinned: true,
  },
];

export interface ChatKitDeps {
  domainKey: string;
  fetch: typeof fetch;
  api: Pick<Api, "searchEntities" | "entityPreview">;
  selectTask: (taskId: number) => void;
  showAssignee: (userId: number) => void;
  /** One task's card again, or the whole board without an id. */
  refreshBoard: (taskId?: number) => void;
  reportError: (message: string) => void;
  /** Resolved lazily: the ChatKit methods exist only once useChatKit has returned. */
  sendCustomAction: (action: WidgetAction, itemId?: string) => Promise<void>;
  sendUserMessage: (params: { text: string }) => Promise<void>;
  logger: Logger;
}

export function buildChatKitOptions(deps: ChatKitDeps): UseChatKitOptions {
  const { logger } = deps;
  return {
    api: { url: CHATKIT_API_URL, domainKey: deps.domainKey, fetch: deps.fetch },
    theme: {
      colorScheme: "light",
      radius: "round",
      density: "compact",
      color: { accent: { primary: "#3b5bdb", level: 1 } },
    },
    header: { enabled: true, title: { text: "Assistant" } },
    history: { enabled: true, showDelete: true, showRename: true },
    startScreen: {
      greeting: "What should we get done?",
      prompts: [
        { label: "Show my tasks", prompt: "show tasks", icon: "notebook" },
        { label: "Tasks in review", prompt: "show tasks in review", icon: "check-circle" },
        { label: "New task", prompt: "new task", icon: "plus" },
      ],
    },
    composer: {
      placeholder: "Ask about tasks, or type @ to mention one",
      tools: COMPOSER_TOOLS,
    },
    threadItemActions: { feedback: true, retry: true },
    widgets: {
      onAction: createWidgetActionHandler({
        selectTask: deps.selectTask,
        sendCustomAction: deps.sendCustomAction,
        sendUserMessage: deps.sendUserMessage,
        logger,
      }),
    },
    entities: {
      showComposerMenu: true,
      onTagSearch: createTagSearch({ searchEntities: deps.api.searchEntities, logger }),
      onClick: createEntityClickHandler({
        selectTask: deps.selectTask,
        showAssignee: deps.showAssignee,
        logger,
      }),
      onRequestPreview: createPreviewHandler({ entityPreview: deps.api.entityPreview, logger }),
    },
    onEffect: createEffectHandler({ refreshBoard: deps.refreshBoard, logger }),
    onError: createErrorHandler({ reportError: deps.reportError, logger }),
    onLog: createLogHandler(logger),
  };
}
