/**
 * ChatKit's rules for a widget action (`ActionConfig`), as plain functions:
 * - `handler: "client"` goes to `widgets.onAction(action, item)` and never to the server;
 * - a server action is sent as `threads.custom_action` (streamed), or as
 *   `threads.sync_custom_action` when it says `streaming: false`;
 * - an action fired inside a Form (or a `Card(asForm)` confirm) carries the form's
 *   field values in its payload, keyed by field name; a dotted name nests
 *   (`todo.title` → `payload.todo.title`); a name that collides with a payload key
 *   is an error (`FormPayloadCollisionError`), as in ChatKit.
 */

import type { Action, ActionConfig, LoadingBehavior, WidgetItem, WidgetRoot } from "./types";

export class FormPayloadCollisionError extends Error {
  override name = "FormPayloadCollisionError";
  readonly field: string;

  constructor(field: string) {
    super(`Form field "${field}" collides with a key of the action's payload.`);
    this.field = field;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `payload` with the form's `values` added by field name; neither argument is changed. */
export function mergeFormValues(
  payload: Record<string, unknown> | null | undefined,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = structuredClone(payload ?? {});
  for (const [name, value] of Object.entries(values)) {
    const path = name.split(".");
    const leaf = path.pop() ?? name;
    let target = merged;
    for (const part of path) {
      const next = target[part];
      if (next === undefined) {
        const created: Record<string, unknown> = {};
        target[part] = created;
        target = created;
      } else if (isPlainObject(next)) {
        target = next;
      } else {
        throw new FormPayloadCollisionError(name);
      }
    }
    if (Object.hasOwn(target, leaf)) throw new FormPayloadCollisionError(name);
    target[leaf] = value;
  }
  return merged;
}

/** The action as sent on the wire and handed to `widgets.onAction`: its type and payload. */
export function wireAction(action: ActionConfig, formValues?: Record<string, unknown>): Action {
  const payload = formValues ? mergeFormValues(action.payload, formValues) : action.payload;
  return payload == null ? { type: action.type } : { type: action.type, payload };
}

export type ActionRoute = "client" | "sync" | "stream";

/** Where ChatKit sends `action`. */
export function actionRoute(action: ActionConfig): ActionRoute {
  if (action.handler === "client") return "client";
  return action.streaming === false ? "sync" : "stream";
}

/** What a control may do while a response is streaming: only streamed server actions wait. */
export function waitsForStream(action: ActionConfig): boolean {
  return actionRoute(action) === "stream";
}

export type ActionSource = "button" | "change" | "confirm" | "submit" | "item";

/**
 * What shows that an action is working. `auto` means: a control that was
 * clicked shows it (`self`), a change of a Select or DatePicker shows nothing
 * (`none`), a Card's confirm covers the card (`container`).
 */
export function loadingTarget(action: ActionConfig, source: ActionSource): LoadingBehavior {
  const behavior = action.loadingBehavior ?? "auto";
  if (behavior !== "auto") return behavior;
  if (source === "change") return "none";
  if (source === "confirm") return "container";
  return "self";
}

export interface RunWidgetActionArgs {
  action: ActionConfig;
  item: WidgetItem;
  formValues?: Record<string, unknown> | undefined;
  /** `widgets.onAction` from the options. */
  onAction?:
    | ((action: Action, item: { id: string; widget: WidgetRoot }) => Promise<void> | void)
    | undefined;
  /** Send `threads.custom_action` for this item and follow its stream. */
  stream: (action: Action) => Promise<void>;
  /** Send `threads.sync_custom_action` for this item and apply its answer. */
  sync: (action: Action) => Promise<void>;
}

/** Run a widget action by ChatKit's rules. Throws `FormPayloadCollisionError` before sending anything. */
export async function runWidgetAction(args: RunWidgetActionArgs): Promise<void> {
  const action = wireAction(args.action, args.formValues);
  switch (actionRoute(args.action)) {
    case "client":
      await args.onAction?.(action, { id: args.item.id, widget: args.item.widget });
      return;
    case "sync":
      await args.sync(action);
      return;
    case "stream":
      await args.stream(action);
      return;
  }
}
