import type { Entity } from "@openai/chatkit-react";

import type { EntityGroup } from "./mentions";

export interface MentionMenuProps {
  id: string;
  groups: EntityGroup[];
  /** The highlighted entity's id, or null. */
  activeId: string | null;
  loading: boolean;
  query: string;
  onPick: (entity: Entity) => void;
  optionId: (entity: Entity) => string;
}

/**
 * The @mention typeahead: a listbox grouped by entity group. The composer's
 * textarea keeps focus and points at the active option (aria-activedescendant).
 */
export function MentionMenu({
  id,
  groups,
  activeId,
  loading,
  query,
  onPick,
  optionId,
}: MentionMenuProps) {
  const empty = groups.length === 0;
  return (
    <div className="chat-mention" id={id} role="listbox" aria-label="Mention a task or person">
      {empty && (
        <div className="chat-mention__empty" role="presentation">
          {loading ? "Searching…" : query ? `Nothing matches “${query}”` : "Type to search"}
        </div>
      )}
      {groups.map((group) => (
        <div key={group.name} role="group" aria-label={group.name || "Results"}>
          {group.name && (
            <div className="chat-mention__group" role="presentation">
              {group.name}
            </div>
          )}
          {group.entities.map((entity) => (
            <div
              key={entity.id}
              id={optionId(entity)}
              role="option"
              aria-selected={entity.id === activeId}
              className="chat-mention__option"
              onMouseDown={(event) => {
                // Keep the textarea focused: pick on mouse down, before blur.
                event.preventDefault();
                onPick(entity);
              }}
            >
              <span className="chat-mention__title">{entity.title}</span>
              {typeof entity.data?.status === "string" && (
                <span className="chat-mention__meta">{entity.data.status}</span>
              )}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
