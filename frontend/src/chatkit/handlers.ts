/**
 * Handlers passed to useChatKit. Each takes what it needs as arguments, so the
 * routing is testable without the ChatKit element.
 */
import type { Entity, Widgets } from "@openai/chatkit-react";

import type { EntityResult } from "../lib/api";
import { STATUSES, type TaskStatus } from "../lib/types";

export interface WidgetAction {
  type: string;
  payload?: Record<string, unknown>;
}

export interface WidgetItemRef {
  id: string;
  widget: Widgets.Card | Widgets.ListView | Widgets.BasicRoot;
}

export interface Logger {
  error: (...args: unknown[]) => void;
  warn: (...args: unknown[]) => void;
  debug: (...args: unknown[]) => void;
}

/** A positive integer id from a payload value (widgets may send numbers or numeric strings). */
export function parseTaskId(value: unknown): number | null {
  const id = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : null;
}

function parseStatus(value: unknown): TaskStatus | null {
  return typeof value === "string" && (STATUSES as readonly string[]).includes(value)
    ? (value as TaskStatus)
    : null;
}

/** The follow-up message for "Show more"; the agent pages with the status and offset in it. */
export function moreTasksMessage(status: TaskStatus | null, offset: number): string {
  const scope = status ? ` in ${status}` : "";
  return `show more tasks${scope} from ${offset}`;
}

export interface WidgetActionDeps {
  selectTask: (taskId: number) => void;
  sendCustomAction: (action: WidgetAction, itemId?: string) => Promise<void>;
  sendUserMessage: (params: { text: string }) => Promise<void>;
  logger: Logger;
}

/** widgets.onAction: only client actions arrive here; server actions go straight to /chatkit. */
export function createWidgetActionHandler(deps: WidgetActionDeps) {
  return async (action: WidgetAction, widgetItem: WidgetItemRef): Promise<void> => {
    switch (action.type) {
      case "task.select": {
        const taskId = parseTaskId(action.payload?.task_id);
        if (taskId === null) {
          deps.logger.warn("task.select without a valid task_id", action.payload);
          return;
        }
        deps.selectTask(taskId);
        // The thread records the selection, so the agent knows which task is meant.
        await deps.sendCustomAction(action, widgetItem.id);
        return;
      }
      case "tasks.more": {
        const rawOffset = action.payload?.offset;
        const offset =
          typeof rawOffset === "number" && Number.isSafeInteger(rawOffset) && rawOffset >= 0
            ? rawOffset
            : 0;
        const status = parseStatus(action.payload?.status);
        await deps.sendUserMessage({ text: moreTasksMessage(status, offset) });
        return;
      }
      default:
        deps.logger.warn(`No client handler for widget action "${action.type}"`, action);
    }
  };
}

/** Entity `data` must be strings for ChatKit; keep scalars, drop anything nested. */
export function toEntity(result: EntityResult): Entity {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.data ?? {})) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      data[key] = String(value);
    }
  }
  const entity: Entity = { id: result.id, title: result.title, data };
  if (result.group !== undefined) entity.group = result.group;
  if (result.icon !== undefined) entity.icon = result.icon;
  entity.interactive = result.interactive ?? true;
  return entity;
}

export interface TagSearchDeps {
  searchEntities: (query: string, signal: AbortSignal) => Promise<EntityResult[]>;
  logger: Logger;
  delayMs?: number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
}

/**
 * entities.onTagSearch, debounced: while the user types, only the last query
 * reaches the server; superseded searches resolve to no results and their
 * requests are aborted.
 */
export function createTagSearch(deps: TagSearchDeps) {
  const delay = deps.delayMs ?? 200;
  const schedule = deps.schedule ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const cancel =
    deps.cancel ??
    ((handle: unknown) => {
      clearTimeout(handle as ReturnType<typeof setTimeout>);
    });
  let pending: { timer: unknown; resolve: (entities: Entity[]) => void } | null = null;
  let inFlight: AbortController | null = null;

  return (query: string): Promise<Entity[]> => {
    if (pending) {
      cancel(pending.timer);
      pending.resolve([]);
      pending = null;
    }
    inFlight?.abort();
    inFlight = null;

    return new Promise<Entity[]>((resolve) => {
      const timer = schedule(() => {
        pending = null;
        const controller = new AbortController();
        inFlight = controller;
        deps
          .searchEntities(query, controller.signal)
          .then((results) => {
            resolve(results.map(toEntity));
          })
          .catch((error: unknown) => {
            if (!controller.signal.aborted) {
              deps.logger.error("Entity search failed", error);
            }
            resolve([]);
          })
          .finally(() => {
            if (inFlight === controller) inFlight = null;
          });
      }, delay);
      pending = { timer, resolve };
    });
  };
}

export interface EntityTarget {
  kind: "task" | "user";
  id: number;
}

/** Entity ids are "task:<id>" and "user:<id>". */
export function parseEntityId(entityId: string): EntityTarget | null {
  const match = /^(task|user):(\d+)$/.exec(entityId);
  if (!match?.[1] || !match[2]) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) && id > 0 ? { kind: match[1] as "task" | "user", id } : null;
}

export interface EntityClickDeps {
  selectTask: (taskId: number) => void;
  showAssignee: (userId: number) => void;
  logger: Logger;
}

/** entities.onClick: a task tag selects the card, a person tag filters the board to them. */
export function createEntityClickHandler(deps: EntityClickDeps) {
  return (entity: Entity): void => {
    const target = parseEntityId(entity.id);
    if (target?.kind === "task") {
      deps.selectTask(target.id);
    } else if (target?.kind === "user") {
      deps.showAssignee(target.id);
    } else {
      deps.logger.warn(`Clicked an entity the board does not know: ${entity.id}`);
    }
  };
}

export interface PreviewDeps {
  entityPreview: (entityId: string) => Promise<{ preview: unknown }>;
  logger: Logger;
}

/** entities.onRequestPreview: the server builds the widget; a failure shows no preview. */
export function createPreviewHandler(deps: PreviewDeps) {
  return async (entity: Entity): Promise<{ preview: Widgets.BasicRoot | null }> => {
    try {
      const { preview } = await deps.entityPreview(entity.id);
      if (preview && typeof preview === "object") {
        return { preview: preview as Widgets.BasicRoot };
      }
      return { preview: null };
    } catch (error) {
      deps.logger.error(`Preview for ${entity.id} failed`, error);
      return { preview: null };
    }
  };
}

export interface EffectDeps {
  /** Reload the board's copy of one task, or of every task when no id is given. */
  refreshBoard: (taskId?: number) => void;
  logger: Logger;
}

/**
 * onEffect: `tasks.changed` reloads the task it names (the socket usually got there
 * first), or the whole board when it names none. One task, not the board: on a board
 * of a thousand tasks a full reload after every button in the chat is ten requests
 * and a re-render that compete with the chat's own answer.
 */
export function createEffectHandler(deps: EffectDeps) {
  return ({ name, data }: { name: string; data?: Record<string, unknown> }): void => {
    if (name === "tasks.changed") {
      const taskId = parseTaskId(data?.task_id);
      if (taskId === null) deps.refreshBoard();
      else deps.refreshBoard(taskId);
      return;
    }
    deps.logger.debug(`Ignored ChatKit effect "${name}"`, data);
  };
}

export interface ErrorDeps {
  reportError: (message: string) => void;
  logger: Logger;
}

/** onError: log the error with its stack and tell the user in the panel. */
export function createErrorHandler(deps: ErrorDeps) {
  return ({ error }: { error: Error }): void => {
    deps.logger.error("ChatKit error", error);
    deps.reportError(error.message || "The chat ran into an error.");
  };
}

/** onLog: ChatKit diagnostics (feedback, retries…) go to the console for debugging. */
export function createLogHandler(logger: Logger) {
  return ({ name, data }: { name: string; data?: Record<string, unknown> }): void => {
    logger.debug(`[chatkit] ${name}`, data ?? {});
  };
}
