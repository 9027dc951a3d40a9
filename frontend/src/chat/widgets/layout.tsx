/** Containers: the roots (Card, ListView, Basic), ListViewItem, Box/Row/Col, Form, Divider, Spacer. */

import { useState, type ReactNode, type SubmitEvent } from "react";

import { WidgetContext, isAvailable, useControlAction, useWidget } from "./context";
import { WidgetIconGlyph } from "./icons";
import { action, boxStyle, children, num, str, textOf, token } from "./props";
import type { WidgetProps } from "./types";
import { ActionButton } from "./controls";

/** A root's `status` line: `{text, icon?}` or `{text, favicon?}`. */
function Status({ status }: { status: unknown }) {
  if (typeof status !== "object" || status === null) return null;
  const { text, icon } = status as { text?: unknown; icon?: unknown };
  if (typeof text !== "string" || !text) return null;
  return (
    <div className="cw-status">
      {typeof icon === "string" && <WidgetIconGlyph name={icon} size={14} />}
      <span>{text}</span>
    </div>
  );
}

const CARD_SIZES = ["sm", "md", "lg", "full"] as const;

export function Card({ node, render }: WidgetProps) {
  const context = useWidget();
  const asForm = node.asForm === true && !context.inForm;
  const confirm = node.confirm as { label?: unknown; action?: unknown } | undefined;
  const cancel = node.cancel as { label?: unknown; action?: unknown } | undefined;
  const confirmAction = confirm ? action(confirm as never, "action") : undefined;
  const cancelAction = cancel ? action(cancel as never, "action") : undefined;
  const submit = useControlAction();
  const size = token(str(node, "size"), CARD_SIZES) ?? "md";
  const className = `cw-card cw-card--${size}${node.collapsed === true ? " cw-card--collapsed" : ""}`;
  const body = (
    <>
      <div className="cw-card__body cw-col" style={boxStyle(node)}>
        {render(children(node))}
      </div>
      {(confirmAction || cancelAction) && (
        <div className="cw-card__footer">
          {cancelAction && (
            <ActionButton
              label={typeof cancel?.label === "string" ? cancel.label : "Cancel"}
              action={cancelAction}
              variant="outline"
              color="secondary"
              source="button"
              widgetType="Card.cancel"
              noValidate
            />
          )}
          {confirmAction && (
            <ActionButton
              label={typeof confirm?.label === "string" ? confirm.label : "Confirm"}
              action={confirmAction}
              variant="solid"
              color="primary"
              source="confirm"
              widgetType="Card.confirm"
              submit={asForm}
            />
          )}
        </div>
      )}
    </>
  );
  if (!asForm) {
    return (
      <section className={className} data-widget="Card">
        <Status status={node.status} />
        {body}
      </section>
    );
  }
  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (confirmAction) void submit.fire(confirmAction, "confirm", event.currentTarget);
  };
  return (
    <WidgetContext.Provider
      value={{ ...context, inForm: true, formBusy: submit.busy, formAction: confirmAction }}
    >
      <form className={className} onSubmit={onSubmit} data-widget="Card">
        <Status status={node.status} />
        {body}
      </form>
    </WidgetContext.Provider>
  );
}

/** How many items a ListView shows at first and adds per "Show more" (`limit: "auto"`). */
export const AUTO_LIST_LIMIT = 5;

export function ListView({ node, render }: WidgetProps) {
  const items = children(node);
  const limit = node.limit === "auto" ? AUTO_LIST_LIMIT : num(node, "limit");
  const [shown, setShown] = useState(limit ?? items.length);
  const visible = limit === undefined ? items : items.slice(0, shown);
  return (
    <section className="cw-card cw-list" data-widget="ListView">
      <Status status={node.status} />
      <ul className="cw-list__items">{render(visible)}</ul>
      {visible.length < items.length && (
        <button
          type="button"
          className="cw-button cw-button--ghost cw-button--secondary cw-button--sm cw-list__more"
          onClick={() => {
            setShown((count) => count + (limit ?? items.length));
          }}
        >
          Show more
          <WidgetIconGlyph name="chevron-right" size={14} />
        </button>
      )}
    </section>
  );
}

export function ListViewItem({ node, render }: WidgetProps) {
  const context = useWidget();
  const onClick = action(node, "onClickAction");
  const { busy, fire } = useControlAction();
  const content = (
    <div className="cw-list-item__content cw-row" style={boxStyle(node)}>
      {render(children(node))}
    </div>
  );
  if (!onClick)
    return (
      <li className="cw-list-item" data-widget="ListViewItem">
        {content}
      </li>
    );
  const available = isAvailable(context, onClick);
  return (
    <li
      className="cw-list-item cw-list-item--clickable"
      data-widget="ListViewItem"
      aria-busy={busy || undefined}
    >
      <button
        type="button"
        className="cw-list-item__hit"
        aria-label={textOf(node) || "Select"}
        aria-disabled={!available || busy || undefined}
        onClick={(event) => {
          void fire(onClick, "item", null, event);
        }}
      />
      {content}
    </li>
  );
}

function Flex({ node, render, direction }: WidgetProps & { direction: "row" | "col" }) {
  return (
    <div className={`cw-${direction}`} style={boxStyle(node)} data-widget={node.type}>
      {render(children(node))}
    </div>
  );
}

export function Row(props: WidgetProps) {
  return <Flex {...props} direction="row" />;
}

export function Col(props: WidgetProps) {
  return <Flex {...props} direction="col" />;
}

export function Box(props: WidgetProps) {
  return <Flex {...props} direction={str(props.node, "direction") === "row" ? "row" : "col"} />;
}

/** The root of entity previews and of some widgets: a plain column. */
export function Basic(props: WidgetProps) {
  return <Flex {...props} direction={str(props.node, "direction") === "row" ? "row" : "col"} />;
}

export function Form({ node, render }: WidgetProps) {
  const context = useWidget();
  const onSubmitAction = action(node, "onSubmitAction");
  const submit = useControlAction();
  const direction = str(node, "direction") === "row" ? "row" : "col";
  if (context.inForm) return <Flex node={node} render={render} direction={direction} />;
  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (onSubmitAction) void submit.fire(onSubmitAction, "submit", event.currentTarget);
  };
  return (
    <WidgetContext.Provider
      value={{ ...context, inForm: true, formBusy: submit.busy, formAction: onSubmitAction }}
    >
      <form
        className={`cw-form cw-${direction}`}
        style={boxStyle(node)}
        onSubmit={onSubmit}
        data-widget="Form"
      >
        {render(children(node))}
      </form>
    </WidgetContext.Provider>
  );
}

export function Divider({ node }: WidgetProps) {
  return (
    <hr
      className={`cw-divider${node.flush === true ? " cw-divider--flush" : ""}`}
      data-widget="Divider"
    />
  );
}

export function Spacer({ node }: WidgetProps) {
  const min = num(node, "minSize");
  return (
    <div
      className="cw-spacer"
      data-widget="Spacer"
      aria-hidden="true"
      style={min === undefined ? undefined : { minWidth: `${min}px`, minHeight: `${min}px` }}
    />
  );
}

export function Transition({ node, render }: WidgetProps): ReactNode {
  return render(children(node));
}
