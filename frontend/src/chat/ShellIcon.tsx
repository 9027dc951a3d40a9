/** The shell's own icons (header, composer, message actions, tools and prompts), 24×24 strokes. */
const PATHS: Record<string, string> = {
  plus: "M12 5v14M5 12h14",
  "arrow-up": "M12 19V5M5 12l7-7 7 7",
  stop: "M7 7h10v10H7z",
  history: "M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3",
  close: "M6 6l12 12M18 6L6 18",
  back: "M15 18l-6-6 6-6",
  "thumbs-up":
    "M7 10v11H3V10h4zm0 0l4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.3 8A2 2 0 0 1 18.2 21H7",
  "thumbs-down":
    "M17 14V3h4v11h-4zm0 0l-4 8a3 3 0 0 1-3-3v-4H4.5a2 2 0 0 1-2-2.3l1.3-8A2 2 0 0 1 5.8 3H17",
  retry: "M4 4v6h6M20 20v-6h-6M5.5 15a7.5 7.5 0 0 0 13 2M18.5 9a7.5 7.5 0 0 0-13-2",
  edit: "M4 20h4L19 9l-4-4L4 16v4zM14 6l4 4",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
  sparkle: "M12 3l2 6 6 2-6 2-2 6-2-6-6-2 6-2 2-6z",
  "check-circle": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8 12l3 3 5-6",
  notebook: "M6 3h12v18H6zM9 3v18M12 8h4M12 12h4",
  tools: "M4 6h16M4 12h16M4 18h10",
  info: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5",
  warning: "M12 3l10 18H2L12 3zM12 10v5M12 18v.5",
};

export function ShellIcon({ name, className }: { name: string; className?: string }) {
  const path = PATHS[name] ?? PATHS.sparkle;
  return (
    <svg
      className={className ?? "chat-icon"}
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={path} />
    </svg>
  );
}
