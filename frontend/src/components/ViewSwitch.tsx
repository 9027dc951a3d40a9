import type { KeyboardEvent } from "react";

export type AppView = "board" | "assistant";

export const VIEWS: { view: AppView; label: string }[] = [
  { view: "board", label: "Board" },
  { view: "assistant", label: "Assistant" },
];

export function tabId(view: AppView): string {
  return `view-tab-${view}`;
}

export function panelId(view: AppView): string {
  return `view-panel-${view}`;
}

export interface ViewSwitchProps {
  view: AppView;
  onChange: (view: AppView) => void;
}

/** Narrow screens show the board or the assistant, one at a time: tabs to switch. */
export function ViewSwitch({ view, onChange }: ViewSwitchProps) {
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const index = VIEWS.findIndex((entry) => entry.view === view);
    const step = event.key === "ArrowRight" ? 1 : VIEWS.length - 1;
    const next = VIEWS[(index + step) % VIEWS.length];
    if (next) {
      onChange(next.view);
      document.getElementById(tabId(next.view))?.focus();
    }
  }

  return (
    <div className="view-switch" role="tablist" aria-label="Show">
      {VIEWS.map((entry) => (
        <button
          key={entry.view}
          type="button"
          role="tab"
          id={tabId(entry.view)}
          className="view-switch__tab"
          aria-selected={entry.view === view}
          aria-controls={panelId(entry.view)}
          tabIndex={entry.view === view ? 0 : -1}
          onClick={() => {
            onChange(entry.view);
          }}
          onKeyDown={onKeyDown}
        >
          {entry.label}
        </button>
      ))}
    </div>
  );
}
