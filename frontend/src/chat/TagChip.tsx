import type { Entity, UseChatKitOptions } from "@openai/chatkit-react";
import { useCallback, useId, useRef, useState } from "react";

import type { WidgetRoot } from "./types";
import { WidgetView } from "./widgets";

type EntitiesOptions = NonNullable<UseChatKitOptions["entities"]>;

export interface TagChipProps {
  entity: Entity;
  entities: EntitiesOptions | undefined;
  /** In the composer: a button that removes the tag. */
  onRemove?: () => void;
}

const noAction = () => Promise.resolve();

/**
 * An @mention: clicking calls `entities.onClick`; hovering or focusing shows the
 * preview from `entities.onRequestPreview` (fetched once per chip).
 */
export function TagChip({ entity, entities, onRemove }: TagChipProps) {
  const [preview, setPreview] = useState<WidgetRoot | null>(null);
  const [open, setOpen] = useState(false);
  const requested = useRef(false);
  const previewId = useId();
  const interactive = entity.interactive !== false && Boolean(entities?.onClick);

  const showPreview = useCallback(() => {
    setOpen(true);
    const request = entities?.onRequestPreview;
    if (requested.current || !request) return;
    requested.current = true;
    void request(entity).then(
      (result) => {
        if (result.preview) setPreview(result.preview as unknown as WidgetRoot);
      },
      () => {
        requested.current = false;
      },
    );
  }, [entities, entity]);

  const hidePreview = useCallback(() => {
    setOpen(false);
  }, []);

  const label = `@${entity.title}`;
  return (
    <span
      className="chat-chip"
      onMouseEnter={showPreview}
      onMouseLeave={hidePreview}
      onFocus={showPreview}
      onBlur={hidePreview}
    >
      {interactive ? (
        <button
          type="button"
          className="chat-chip__label"
          aria-describedby={open && preview ? previewId : undefined}
          onClick={() => {
            entities?.onClick?.(entity);
          }}
          onKeyDown={(event) => {
            if (event.key === "Escape") hidePreview();
          }}
        >
          {label}
        </button>
      ) : (
        <span className="chat-chip__label" tabIndex={0}>
          {label}
        </span>
      )}
      {onRemove && (
        <button
          type="button"
          className="chat-chip__remove"
          aria-label={`Remove ${entity.title}`}
          onClick={onRemove}
        >
          ×
        </button>
      )}
      {open && preview && (
        <span className="chat-chip__preview" role="tooltip" id={previewId}>
          <WidgetView widget={preview} onAction={noAction} disabled />
        </span>
      )}
    </span>
  );
}
