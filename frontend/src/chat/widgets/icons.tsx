/** Widget icons by ChatKit name (`WidgetIcon`), drawn as 24×24 strokes; unknown names get a dot. */

const PATHS: Record<string, string> = {
  plus: "M12 5v14M5 12h14",
  check: "M5 12l5 5 9-10",
  "check-circle": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8 12l3 3 5-6",
  "check-circle-filled": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8 12l3 3 5-6",
  "chevron-right": "M9 6l6 6-6 6",
  "chevron-left": "M15 6l-6 6 6 6",
  "dots-horizontal": "M5 12h.01M12 12h.01M19 12h.01",
  calendar: "M4 6h16v14H4zM4 10h16M8 3v4M16 3v4",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  profile: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4",
  sparkle: "M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2 2-6z",
  star: "M12 3l2.8 5.8 6.2.9-4.5 4.4 1 6.2L12 17.4 6.5 20.3l1-6.2L3 9.7l6.2-.9L12 3z",
  info: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5",
  "circle-question":
    "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.7M12 17v.5",
  notebook: "M6 3h12v18H6zM9 3v18M12 8h4M12 12h4",
  "notebook-pencil": "M6 3h12v18H6zM9 3v18M12 14l4-4 2 2-4 4h-2z",
  document: "M6 3h8l4 4v14H6zM14 3v4h4",
  "page-blank": "M6 3h8l4 4v14H6zM14 3v4h4",
  write: "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  "write-alt": "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  mail: "M3 6h18v12H3zM3 6l9 7 9-7",
  bolt: "M13 3L5 14h6l-1 7 8-11h-6l1-7z",
  globe:
    "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18",
  lightbulb:
    "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.5.4.5 1.1.5 1.6V16h6v-.5c0-.5 0-1.2.5-1.6A6 6 0 0 0 12 3z",
  "settings-slider": "M4 7h10M18 7h2M4 17h4M12 17h8M14 5v4M8 15v4",
  bug: "M8 8h8v9a4 4 0 0 1-8 0V8zM9 4l2 3M15 4l-2 3M4 12h4M16 12h4M4 18l4-2M20 18l-4-2",
  share: "M12 15V3M8 7l4-4 4 4M5 12v8h14v-8",
  "empty-circle": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z",
};

const FALLBACK = "M12 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4z";

export function hasWidgetIcon(name: string): boolean {
  return name in PATHS;
}

export function WidgetIconGlyph({ name, size = 16 }: { name: string; size?: number }) {
  return (
    <svg
      className="cw-icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name] ?? FALLBACK} />
    </svg>
  );
}
