/**
 * Reading a widget node's props safely: the tree comes from the server as loose
 * JSON, so every prop is checked for the type a component needs, and style
 * values become CSS only when they are tokens or plain lengths and colours
 * (never `url(...)`, so a widget cannot make the page fetch anything).
 */

import type { CSSProperties } from "react";

import type { ActionConfig, WidgetComponent } from "../types";

export function str(node: WidgetComponent, key: string): string | undefined {
  const value = node[key];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

export function num(node: WidgetComponent, key: string): number | undefined {
  const value = node[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function bool(node: WidgetComponent, key: string): boolean {
  return node[key] === true;
}

export function action(node: WidgetComponent, key: string): ActionConfig | undefined {
  const value = node[key];
  if (typeof value !== "object" || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" ? (value as ActionConfig) : undefined;
}

export function children(node: WidgetComponent): WidgetComponent[] {
  return Array.isArray(node.children)
    ? node.children.filter(
        (child): child is WidgetComponent =>
          typeof child === "object" && typeof (child as { type?: unknown }).type === "string",
      )
    : [];
}

/** Turns a ChatKit token into a class-name part; anything else is dropped. */
export function token(value: string | undefined, allowed: readonly string[]): string | undefined {
  return value !== undefined && allowed.includes(value) ? value : undefined;
}

const LENGTH = /^-?\d+(\.\d+)?(px|rem|em|%|vh|vw)?$/;
const COLOR = /^(#[0-9a-f]{3,8}|(rgb|rgba|hsl|hsla|oklch)\([\d\s.,%/-]+\)|[a-z]+)$/i;
const COLOR_TOKENS = new Set([
  "primary",
  "secondary",
  "tertiary",
  "emphasis",
  "success",
  "danger",
  "warning",
  "caution",
  "info",
  "discovery",
  "prose",
  "white",
  "black",
]);

/** A spacing value: a number is in spacing units (density-aware), a string a CSS length. */
export function space(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    return `calc(var(--cw-unit) * ${value})`;
  }
  if (typeof value === "string" && LENGTH.test(value)) {
    return /^-?\d+(\.\d+)?$/.test(value) ? `${value}px` : value;
  }
  return undefined;
}

/** A colour: a ChatKit token (`secondary`, `danger`…), a CSS colour, or `{light, dark}` (light used). */
export function color(value: unknown): string | undefined {
  if (typeof value === "object" && value !== null) {
    return color((value as { light?: unknown }).light);
  }
  if (typeof value !== "string") return undefined;
  if (COLOR_TOKENS.has(value)) return `var(--cw-color-${value})`;
  const surface = /^surface(-[a-z-]+)?$/.exec(value);
  if (surface) return "var(--cw-surface-tint)";
  return COLOR.test(value) ? value : undefined;
}

const ALIGN: Record<string, string> = {
  start: "flex-start",
  center: "center",
  end: "flex-end",
  stretch: "stretch",
  baseline: "baseline",
  between: "space-between",
  around: "space-around",
  evenly: "space-evenly",
};

function sides(value: unknown, prefix: "padding" | "margin"): CSSProperties {
  if (typeof value === "object" && value !== null) {
    const box = value as Record<string, unknown>;
    const style: Record<string, string> = {};
    const set = (side: string, raw: unknown) => {
      const length = space(raw);
      if (length !== undefined) style[`${prefix}${side}`] = length;
    };
    set("Top", box.top ?? box.y);
    set("Bottom", box.bottom ?? box.y);
    set("Left", box.left ?? box.x);
    set("Right", box.right ?? box.x);
    return style;
  }
  const length = space(value);
  return length === undefined ? {} : { [prefix]: length };
}

/** The style of a Box, Row, Col, Form, Card or ListViewItem from its layout props. */
export function boxStyle(node: WidgetComponent): CSSProperties {
  const style: CSSProperties = {
    ...sides(node.padding, "padding"),
    ...sides(node.margin, "margin"),
  };
  const gap = space(node.gap);
  if (gap !== undefined) style.gap = gap;
  const align = str(node, "align");
  if (align && ALIGN[align]) style.alignItems = ALIGN[align];
  const justify = str(node, "justify");
  if (justify && ALIGN[justify]) style.justifyContent = ALIGN[justify];
  const wrap = str(node, "wrap");
  if (wrap === "wrap" || wrap === "wrap-reverse" || wrap === "nowrap") style.flexWrap = wrap;
  const flex = node.flex;
  if (typeof flex === "number") style.flex = `${flex} 1 0`;
  else if (typeof flex === "string" && /^[\d\s.a-z%-]+$/i.test(flex)) style.flex = flex;
  for (const key of [
    "width",
    "height",
    "minWidth",
    "minHeight",
    "maxWidth",
    "maxHeight",
  ] as const) {
    const length = space(node[key]);
    if (length !== undefined) style[key] = length;
  }
  const radius = str(node, "radius");
  if (radius)
    style.borderRadius =
      radius === "full" ? "999px" : `var(--cw-radius-${radius}, var(--cw-radius))`;
  const background = color(node.background);
  if (background) style.background = background;
  return style;
}

/** The text of a node's Text/Title values, for an accessible name. */
export function textOf(node: WidgetComponent): string {
  const parts: string[] = [];
  const visit = (current: WidgetComponent) => {
    if (current.type === "Text" || current.type === "Title") {
      const value = str(current, "value");
      if (value) parts.push(value);
    }
    children(current).forEach(visit);
  };
  visit(node);
  return parts.join(" · ");
}
