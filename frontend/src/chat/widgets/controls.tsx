/** Controls: Button, Input, Textarea, Select, DatePicker, Checkbox, RadioGroup. */

import type { MouseEvent } from "react";

import type { ActionSource } from "../actions";
import type { ActionConfig, WidgetComponent } from "../types";
import { isAvailable, useControlAction, useWidget } from "./context";
import { WidgetIconGlyph } from "./icons";
import { action, bool, str, token } from "./props";
import type { WidgetProps } from "./types";

const VARIANTS = ["solid", "soft", "outline", "ghost"] as const;
const COLORS = [
  "primary",
  "secondary",
  "info",
  "discovery",
  "success",
  "caution",
  "warning",
  "danger",
] as const;
const SIZES = ["3xs", "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl"] as const;

export interface ActionButtonProps {
  label?: string | undefined;
  action?: ActionConfig | undefined;
  /** Submits the enclosing form (its action runs, with the field values). */
  submit?: boolean | undefined;
  variant: string;
  color: string;
  size?: string | undefined;
  iconStart?: string | undefined;
  iconEnd?: string | undefined;
  pill?: boolean | undefined;
  block?: boolean | undefined;
  disabled?: boolean | undefined;
  source: ActionSource;
  /** The widget type to name in `data-widget` (a Card's confirm/cancel are not Button nodes). */
  widgetType?: string | undefined;
  /** Leaves a form without validating it (a Card's cancel). */
  noValidate?: boolean | undefined;
}

/**
 * A button that runs a widget action. While the action runs the button says
 * so (`aria-busy`, a spinner) and ignores further clicks; it stays focusable.
 */
export function ActionButton(props: ActionButtonProps) {
  const context = useWidget();
  const { busy: ownBusy, running, fire } = useControlAction();
  // A replaced widget's new button (same place, another action) is not the one working.
  const busy = props.submit ? context.formBusy : ownBusy && running === props.action;
  const target = props.submit ? context.formAction : props.action;
  const unavailable = target !== undefined && !isAvailable(context, target);
  const className = [
    "cw-button",
    `cw-button--${props.variant}`,
    `cw-button--${props.color}`,
    `cw-button--${props.size ?? "md"}`,
    props.pill ? "cw-button--pill" : "",
    props.block ? "cw-button--block" : "",
  ]
    .filter(Boolean)
    .join(" ");
  const onClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (props.submit) {
      // The form's submit handler runs the action; stop a second submit here.
      if (busy || unavailable || event.detail > 1) event.preventDefault();
      return;
    }
    if (props.action) void fire(props.action, props.source, event.currentTarget.form, event);
  };
  return (
    <button
      type={props.submit ? "submit" : "button"}
      className={className}
      data-widget={props.widgetType ?? "Button"}
      disabled={props.disabled}
      aria-disabled={busy || unavailable || undefined}
      aria-busy={busy || undefined}
      formNoValidate={props.noValidate}
      onClick={onClick}
    >
      {busy ? (
        <span className="cw-spinner" aria-hidden="true" />
      ) : (
        props.iconStart && <WidgetIconGlyph name={props.iconStart} />
      )}
      {props.label && <span>{props.label}</span>}
      {props.iconEnd && <WidgetIconGlyph name={props.iconEnd} />}
      {busy && <span className="cw-visually-hidden"> (working)</span>}
    </button>
  );
}

export function Button({ node }: WidgetProps) {
  const secondary = str(node, "style") === "secondary";
  const label = str(node, "label");
  return (
    <ActionButton
      label={label}
      action={action(node, "onClickAction")}
      submit={bool(node, "submit")}
      variant={token(str(node, "variant"), VARIANTS) ?? (secondary ? "outline" : "solid")}
      color={token(str(node, "color"), COLORS) ?? (secondary ? "secondary" : "primary")}
      size={token(str(node, "size"), SIZES)}
      iconStart={str(node, "iconStart")}
      iconEnd={str(node, "iconEnd")}
      pill={bool(node, "pill")}
      block={bool(node, "block")}
      disabled={bool(node, "disabled")}
      source="button"
    />
  );
}

/** The id of a named field, so a Label with that `fieldName` points at it. */
export function useFieldId(name: string | undefined): string | undefined {
  const { idPrefix } = useWidget();
  return name ? `${idPrefix}-field-${name}` : undefined;
}

function fieldClass(node: WidgetComponent, base: string): string {
  const variant = str(node, "variant") === "soft" ? "soft" : "outline";
  return `cw-field ${base} cw-field--${variant}${bool(node, "pill") ? " cw-field--pill" : ""}`;
}

/** A field no Label points at gets its placeholder (or name) as its accessible name. */
function useFallbackName(node: WidgetComponent): string | undefined {
  const { labelledFields } = useWidget();
  const name = str(node, "name");
  if (name !== undefined && labelledFields.has(name)) return undefined;
  return str(node, "placeholder") ?? name;
}

const INPUT_TYPES = ["number", "email", "text", "password", "tel", "url"] as const;

export function Input({ node }: WidgetProps) {
  const name = str(node, "name");
  const id = useFieldId(name);
  return (
    <input
      id={id}
      name={name}
      className={fieldClass(node, "cw-input")}
      data-widget="Input"
      type={token(str(node, "inputType"), INPUT_TYPES) ?? "text"}
      defaultValue={str(node, "defaultValue")}
      placeholder={str(node, "placeholder")}
      required={bool(node, "required")}
      pattern={str(node, "pattern")}
      disabled={bool(node, "disabled")}
      autoFocus={bool(node, "autoFocus")}
      aria-label={useFallbackName(node)}
      onFocus={
        bool(node, "autoSelect")
          ? (event) => {
              event.currentTarget.select();
            }
          : undefined
      }
    />
  );
}

export function Textarea({ node }: WidgetProps) {
  const name = str(node, "name");
  const id = useFieldId(name);
  const rows = node.rows;
  return (
    <textarea
      id={id}
      name={name}
      className={fieldClass(node, "cw-textarea")}
      data-widget="Textarea"
      rows={typeof rows === "number" ? rows : 3}
      defaultValue={str(node, "defaultValue")}
      placeholder={str(node, "placeholder")}
      required={bool(node, "required")}
      disabled={bool(node, "disabled")}
      autoFocus={bool(node, "autoFocus")}
      aria-label={useFallbackName(node)}
    />
  );
}

interface Option {
  value: string;
  label: string;
  disabled: boolean;
}

function optionsOf(node: WidgetComponent): Option[] {
  const raw = node.options;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((option: unknown) => {
    if (typeof option !== "object" || option === null) return [];
    const { value, label, disabled } = option as Record<string, unknown>;
    if (typeof value !== "string") return [];
    return [
      { value, label: typeof label === "string" ? label : value, disabled: disabled === true },
    ];
  });
}

/** A change action (Select, DatePicker, Checkbox, RadioGroup): runs with the form's values. */
function useChangeAction(node: WidgetComponent) {
  const onChange = action(node, "onChangeAction");
  const { fire } = useControlAction();
  return (element: HTMLInputElement | HTMLSelectElement) => {
    if (onChange) void fire(onChange, "change", element.form);
  };
}

export function Select({ node }: WidgetProps) {
  const name = str(node, "name");
  const id = useFieldId(name);
  const changed = useChangeAction(node);
  const options = optionsOf(node);
  const defaultValue = str(node, "defaultValue");
  const empty = defaultValue === undefined || bool(node, "clearable") || !bool(node, "required");
  return (
    <select
      id={id}
      name={name}
      className={fieldClass(node, "cw-select")}
      data-widget="Select"
      defaultValue={defaultValue ?? ""}
      required={bool(node, "required")}
      disabled={bool(node, "disabled")}
      aria-label={useFallbackName(node)}
      onChange={(event) => {
        changed(event.currentTarget);
      }}
    >
      {empty && <option value="">{str(node, "placeholder") ?? "—"}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value} disabled={option.disabled}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/** An ISO date or datetime as the `YYYY-MM-DD` a date input takes. */
function dateOnly(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

export function DatePicker({ node }: WidgetProps) {
  const name = str(node, "name");
  const id = useFieldId(name);
  const changed = useChangeAction(node);
  return (
    <input
      id={id}
      name={name}
      type="date"
      className={fieldClass(node, "cw-date")}
      data-widget="DatePicker"
      defaultValue={dateOnly(str(node, "defaultValue"))}
      min={dateOnly(str(node, "min"))}
      max={dateOnly(str(node, "max"))}
      required={bool(node, "required")}
      disabled={bool(node, "disabled")}
      aria-label={useFallbackName(node)}
      onChange={(event) => {
        changed(event.currentTarget);
      }}
    />
  );
}

export function Checkbox({ node }: WidgetProps) {
  const name = str(node, "name");
  const id = useFieldId(name);
  const changed = useChangeAction(node);
  return (
    <label className="cw-check" data-widget="Checkbox">
      <input
        id={id}
        name={name}
        type="checkbox"
        defaultChecked={bool(node, "defaultChecked")}
        required={bool(node, "required")}
        disabled={bool(node, "disabled")}
        onChange={(event) => {
          changed(event.currentTarget);
        }}
      />
      <span>{str(node, "label") ?? name}</span>
    </label>
  );
}

export function RadioGroup({ node }: WidgetProps) {
  const name = str(node, "name");
  const changed = useChangeAction(node);
  const defaultValue = str(node, "defaultValue");
  return (
    <div
      role="radiogroup"
      data-widget="RadioGroup"
      aria-label={str(node, "ariaLabel") ?? name}
      className={str(node, "direction") === "row" ? "cw-row" : "cw-col"}
    >
      {optionsOf(node).map((option) => (
        <label key={option.value} className="cw-check">
          <input
            type="radio"
            name={name}
            value={option.value}
            defaultChecked={option.value === defaultValue}
            disabled={option.disabled || bool(node, "disabled")}
            required={bool(node, "required")}
            onChange={(event) => {
              changed(event.currentTarget);
            }}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </div>
  );
}
