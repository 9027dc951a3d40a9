/** What every widget component can reach: the action runner and ids for labels. */

import { createContext, useContext, useRef, useState, type MouseEvent } from "react";

import { actionRoute, loadingTarget, type ActionSource } from "../actions";
import type { ActionConfig } from "../types";

export interface WidgetContextValue {
  /** Prefix for element ids, so a Label's `fieldName` finds its field within this widget. */
  idPrefix: string;
  /** Field names some Label in this widget points at (`fieldName`). */
  labelledFields: ReadonlySet<string>;
  /** Server actions of this widget are not available (a response is streaming, or one is running). */
  serverLocked: boolean;
  /** Run `action`; resolves when it is done. Returns false when it was not run. */
  run: (
    action: ActionConfig,
    source: ActionSource,
    form: HTMLFormElement | null,
  ) => Promise<boolean>;
  /** Inside a `<form>` already (a Card with asForm): a Form renders as a plain box. */
  inForm: boolean;
  /** The enclosing Form is submitting. */
  formBusy: boolean;
  /** What submitting the enclosing form does (a Form's onSubmitAction, a Card's confirm). */
  formAction: ActionConfig | undefined;
}

export const WidgetContext = createContext<WidgetContextValue>({
  idPrefix: "widget",
  labelledFields: new Set(),
  serverLocked: true,
  run: () => Promise.resolve(false),
  inForm: false,
  formBusy: false,
  formAction: undefined,
});

export function useWidget(): WidgetContextValue {
  return useContext(WidgetContext);
}

/** A control's action may run now (client actions always may; server ones not while locked). */
export function isAvailable(
  context: WidgetContextValue,
  action: ActionConfig | undefined,
): boolean {
  return action !== undefined && (actionRoute(action) === "client" || !context.serverLocked);
}

/**
 * One control's action: `fire` runs it at most once at a time, ignores the
 * second click of a double click, and `busy` is true while it runs when the
 * control itself shows the loading (`loadingBehavior` self/auto).
 */
export function useControlAction(): {
  busy: boolean;
  /** The action that is running (the control may show another by now: its widget was replaced). */
  running: ActionConfig | undefined;
  fire: (
    action: ActionConfig,
    source: ActionSource,
    form: HTMLFormElement | null,
    event?: MouseEvent,
  ) => Promise<void>;
} {
  const context = useWidget();
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const [runningAction, setRunningAction] = useState<ActionConfig | undefined>(undefined);
  const fire = async (
    action: ActionConfig,
    source: ActionSource,
    form: HTMLFormElement | null,
    event?: MouseEvent,
  ) => {
    if (running.current || (event !== undefined && event.detail > 1)) return;
    if (!isAvailable(context, action)) return;
    running.current = true;
    const shows = loadingTarget(action, source) === "self";
    if (shows) setBusy(true);
    setRunningAction(action);
    try {
      await context.run(action, source, form);
    } finally {
      running.current = false;
      if (shows) setBusy(false);
      setRunningAction(undefined);
    }
  };
  return { busy, running: runningAction, fire };
}

/** The values of a form's named fields, by name: text as typed, an empty choice as null. */
export function collectFormValues(form: HTMLFormElement): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const element of Array.from(form.elements)) {
    if (
      !(
        element instanceof HTMLInputElement ||
        element instanceof HTMLTextAreaElement ||
        element instanceof HTMLSelectElement
      ) ||
      !element.name ||
      element.disabled
    ) {
      continue;
    }
    if (element instanceof HTMLInputElement && element.type === "checkbox") {
      values[element.name] = element.checked;
    } else if (element instanceof HTMLInputElement && element.type === "radio") {
      if (element.checked) values[element.name] = element.value;
      else if (!(element.name in values)) values[element.name] = null;
    } else if (element instanceof HTMLInputElement && element.type === "number") {
      values[element.name] = element.value === "" ? null : Number(element.value);
    } else if (
      element instanceof HTMLSelectElement ||
      (element instanceof HTMLInputElement && element.type === "date")
    ) {
      values[element.name] = element.value === "" ? null : element.value;
    } else {
      values[element.name] = element.value;
    }
  }
  return values;
}
