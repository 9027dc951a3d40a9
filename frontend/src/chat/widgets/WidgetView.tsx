/**
 * Draws a widget (a widget item's `Card`, `ListView` or `Basic` root) and runs
 * its actions through `onAction`.
 *
 * `onAction(action, formValues)` gets the `ActionConfig` as the widget holds it
 * and, for an action fired inside a Form (or a `Card(asForm)` confirm), the
 * form's field values by name; the caller applies ChatKit's routing
 * (`runWidgetAction`). While a server action of this widget runs, the widget's
 * other server controls wait; the control that fired it shows it is working.
 * `disabled` holds back server actions that would stream (while a response is
 * streaming); client and `streaming: false` actions stay available.
 */

import { useCallback, useId, useMemo, useRef, useState, type ReactNode } from "react";

import { actionRoute, loadingTarget, type ActionSource } from "../actions";
import type { ActionConfig, WidgetComponent, WidgetRoot } from "../types";
import { widgetNodes } from "../widgetTree";
import { WidgetContext, collectFormValues, type WidgetContextValue } from "./context";
import { UnknownComponent, WIDGET_RENDERERS } from "./registry";
import type { RenderNodes } from "./types";

import "../chat.css";

export interface WidgetViewProps {
  widget: WidgetRoot;
  onAction: (action: ActionConfig, formValues?: Record<string, unknown>) => Promise<void>;
  disabled?: boolean;
  /** Where a failed action is reported; the console when absent. */
  onError?: (error: unknown) => void;
}

const renderNodes: RenderNodes = (nodes: WidgetComponent[]): ReactNode =>
  nodes.map((node, index) => {
    const Component = WIDGET_RENDERERS[node.type] ?? UnknownComponent;
    const key = node.key ?? node.id ?? `${node.type}-${index}`;
    return <Component key={key} node={node} render={renderNodes} />;
  });

export function WidgetView({ widget, onAction, disabled = false, onError }: WidgetViewProps) {
  const idPrefix = useId();
  const serverRunning = useRef(false);
  const [serverBusy, setServerBusy] = useState(false);
  const [containerBusy, setContainerBusy] = useState(false);

  const labelledFields = useMemo(() => {
    const names = new Set<string>();
    for (const node of widgetNodes(widget)) {
      if (node.type === "Label" && typeof node.fieldName === "string") names.add(node.fieldName);
    }
    return names;
  }, [widget]);

  const run = useCallback(
    async (action: ActionConfig, source: ActionSource, form: HTMLFormElement | null) => {
      const server = actionRoute(action) !== "client";
      if (server && (serverRunning.current || (disabled && actionRoute(action) === "stream"))) {
        return false;
      }
      let formValues: Record<string, unknown> | undefined;
      try {
        formValues = form ? collectFormValues(form) : undefined;
      } catch (error) {
        (onError ?? console.error)(error);
        return false;
      }
      const container = loadingTarget(action, source) === "container";
      if (server) {
        serverRunning.current = true;
        setServerBusy(true);
      }
      if (container) setContainerBusy(true);
      try {
        await onAction(action, formValues);
        return true;
      } catch (error) {
        (onError ?? console.error)(error);
        return false;
      } finally {
        if (server) {
          serverRunning.current = false;
          setServerBusy(false);
        }
        if (container) setContainerBusy(false);
      }
    },
    [disabled, onAction, onError],
  );

  const context: WidgetContextValue = {
    idPrefix,
    labelledFields,
    serverLocked: disabled || serverBusy,
    run,
    inForm: false,
    formBusy: false,
    formAction: undefined,
  };

  return (
    <WidgetContext.Provider value={context}>
      <div
        className={`cw-root${containerBusy ? " cw-root--busy" : ""}`}
        aria-busy={containerBusy || undefined}
      >
        {renderNodes([widget])}
      </div>
    </WidgetContext.Provider>
  );
}
