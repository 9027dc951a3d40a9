import { useEffect, useId, useState } from "react";

import { hasFilters } from "../lib/board";
import {
  NO_FILTERS,
  PRIORITIES,
  PRIORITY_LABELS,
  type TaskFilters,
  type TaskPriority,
  type UserRef,
} from "../lib/types";

export interface FilterBarProps {
  filters: TaskFilters;
  people: UserRef[];
  meId: number | null;
  shown: number;
  onChange: (filters: TaskFilters) => void;
  /** Milliseconds the search box waits after the last keystroke. */
  searchDelayMs?: number;
}

export function FilterBar({
  filters,
  people,
  meId,
  shown,
  onChange,
  searchDelayMs = 250,
}: FilterBarProps) {
  const id = useId();
  const [query, setQuery] = useState(filters.q);
  const [appliedQuery, setAppliedQuery] = useState(filters.q);

  // Filters also change from outside (clear button, chat selections): follow them.
  if (filters.q !== appliedQuery) {
    setAppliedQuery(filters.q);
    setQuery(filters.q);
  }

  useEffect(() => {
    if (query === filters.q) return;
    const timer = setTimeout(() => {
      onChange({ ...filters, q: query });
    }, searchDelayMs);
    return () => {
      clearTimeout(timer);
    };
  }, [query, filters, onChange, searchDelayMs]);

  return (
    <form
      className="filter-bar"
      role="search"
      aria-label="Filter tasks"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ ...filters, q: query });
      }}
    >
      <div className="field field--search">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Title or description"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-priority`}>Priority</label>
        <select
          id={`${id}-priority`}
          value={filters.priority}
          onChange={(event) => {
            onChange({ ...filters, priority: event.target.value as TaskPriority | "" });
          }}
        >
          <option value="">Any</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-assignee`}>Assignee</label>
        <select
          id={`${id}-assignee`}
          value={filters.assignee === null ? "" : String(filters.assignee)}
          onChange={(event) => {
            const value = event.target.value;
            onChange({ ...filters, assignee: value === "" ? null : Number(value) });
          }}
        >
          <option value="">Anyone</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.id === meId ? `${person.display_name} (me)` : person.display_name}
            </option>
          ))}
        </select>
      </div>
      <p className="filter-bar__summary" aria-live="polite">
        {shown === 1 ? "1 task" : `${shown} tasks`}
        {hasFilters(filters) && (
          <>
            {" "}
            match ·{" "}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setQuery("");
                onChange(NO_FILTERS);
              }}
            >
              Clear filters
            </button>
          </>
        )}
      </p>
    </form>
  );
}
