/** Content: Text, Title, Caption, Markdown, Label, Badge, Icon, Image. All text goes through React (escaped). */

import type { CSSProperties } from "react";
import ReactMarkdown from "react-markdown";

import { useFieldId } from "./controls";
import { WidgetIconGlyph } from "./icons";
import { bool, color, num, str, token } from "./props";
import type { WidgetProps } from "./types";
import type { WidgetComponent } from "../types";

const WEIGHTS = ["normal", "medium", "semibold", "bold"] as const;
const ALIGNS = ["start", "center", "end"] as const;

function textStyle(node: WidgetComponent): CSSProperties {
  const style: CSSProperties = {};
  const fill = color(node.color);
  if (fill) style.color = fill;
  const align = token(str(node, "textAlign"), ALIGNS);
  if (align) style.textAlign = align as CSSProperties["textAlign"];
  const maxLines = num(node, "maxLines");
  if (maxLines !== undefined && !bool(node, "truncate")) {
    style.WebkitLineClamp = maxLines;
  }
  return style;
}

function textClass(node: WidgetComponent, base: string, sizes: readonly string[], size: string) {
  const weight = token(str(node, "weight"), WEIGHTS);
  return [
    base,
    `${base}--${token(str(node, "size"), sizes) ?? size}`,
    weight ? `cw-weight-${weight}` : "",
    bool(node, "truncate") ? "cw-truncate" : "",
    num(node, "maxLines") !== undefined && !bool(node, "truncate") ? "cw-clamp" : "",
    bool(node, "italic") ? "cw-italic" : "",
    bool(node, "lineThrough") ? "cw-line-through" : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export function Text({ node }: WidgetProps) {
  return (
    <p
      className={textClass(node, "cw-text", ["xs", "sm", "md", "lg", "xl"], "md")}
      data-widget="Text"
      style={textStyle(node)}
      aria-busy={bool(node, "streaming") || undefined}
    >
      {str(node, "value") ?? ""}
    </p>
  );
}

export function Title({ node }: WidgetProps) {
  return (
    <p
      data-widget="Title"
      className={textClass(
        node,
        "cw-title",
        ["sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl"],
        "md",
      )}
      style={textStyle(node)}
    >
      {str(node, "value") ?? ""}
    </p>
  );
}

export function Caption({ node }: WidgetProps) {
  return (
    <p
      className={textClass(node, "cw-caption", ["sm", "md", "lg"], "md")}
      style={textStyle(node)}
      data-widget="Caption"
    >
      {str(node, "value") ?? ""}
    </p>
  );
}

/** Markdown without raw HTML; links open in a new tab without the opener. */
export function Markdown({ node }: WidgetProps) {
  return (
    <div
      className="cw-markdown"
      data-widget="Markdown"
      aria-busy={bool(node, "streaming") || undefined}
    >
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer">
              {children}
            </a>
          ),
          img: ({ alt }) => <span>{alt}</span>,
        }}
      >
        {str(node, "value") ?? ""}
      </ReactMarkdown>
    </div>
  );
}

export function Label({ node }: WidgetProps) {
  const id = useFieldId(str(node, "fieldName"));
  return (
    <label className="cw-label" htmlFor={id} style={textStyle(node)} data-widget="Label">
      {str(node, "value") ?? ""}
    </label>
  );
}

const BADGE_COLORS = ["secondary", "success", "danger", "warning", "info", "discovery"] as const;
const BADGE_VARIANTS = ["solid", "soft", "outline"] as const;

export function Badge({ node }: WidgetProps) {
  const className = [
    "cw-badge",
    `cw-badge--${token(str(node, "color"), BADGE_COLORS) ?? "secondary"}`,
    `cw-badge--${token(str(node, "variant"), BADGE_VARIANTS) ?? "soft"}`,
    `cw-badge--${token(str(node, "size"), ["sm", "md", "lg"]) ?? "sm"}`,
    bool(node, "pill") ? "cw-badge--pill" : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <span className={className} data-widget="Badge">
      {str(node, "label") ?? ""}
    </span>
  );
}

const ICON_SIZES: Record<string, number> = {
  xs: 12,
  sm: 14,
  md: 16,
  lg: 18,
  xl: 20,
  "2xl": 24,
  "3xl": 32,
};

export function Icon({ node }: WidgetProps) {
  const fill = color(node.color);
  return (
    <span className="cw-icon-wrap" data-widget="Icon" style={fill ? { color: fill } : undefined}>
      <WidgetIconGlyph
        name={str(node, "name") ?? ""}
        size={ICON_SIZES[str(node, "size") ?? "md"] ?? 16}
      />
    </span>
  );
}

/** Only same-origin, https or inline image sources are shown. */
function safeImageSource(src: string | undefined): string | undefined {
  if (!src) return undefined;
  if (/^(https:\/\/|\/(?!\/)|data:image\/)/i.test(src)) return src;
  return undefined;
}

export function Image({ node }: WidgetProps) {
  const src = safeImageSource(str(node, "src"));
  if (!src) return null;
  const size = (key: string) => {
    const value = node[key];
    return typeof value === "number" ? `${value}px` : typeof value === "string" ? value : undefined;
  };
  return (
    <img
      className="cw-image"
      data-widget="Image"
      src={src}
      alt={str(node, "alt") ?? ""}
      style={{ width: size("width"), height: size("height"), objectFit: "cover" }}
    />
  );
}
