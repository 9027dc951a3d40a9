import type { Entity, ToolOption, UseChatKitOptions } from "@openai/chatkit-react";
import {
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type Ref,
} from "react";

import { MentionMenu } from "./MentionMenu";
import {
  buildMessageContent,
  findMentionQuery,
  groupEntities,
  insertMention,
  liveTags,
  markerFor,
  menuOrder,
  moveHighlight,
  type ComposerTag,
  type MentionQuery,
} from "./mentions";
import { ShellIcon } from "./ShellIcon";
import { TagChip } from "./TagChip";
import type { UserMessageContent } from "./types";

export interface ComposerHandle {
  setValue: (value: { text?: string; selectedToolId?: string | null }) => void;
  focus: () => void;
}

export interface ComposerProps {
  composer: UseChatKitOptions["composer"];
  entities: UseChatKitOptions["entities"];
  busy: boolean;
  canStop: boolean;
  onSend: (content: UserMessageContent[], toolChoice: { id: string } | null) => void;
  onStop: () => void;
  ref?: Ref<ComposerHandle>;
}

const DEFAULT_PLACEHOLDER = "Message the assistant";

/**
 * The message box: Enter sends, Shift+Enter breaks the line; "@" opens the
 * mention typeahead (entities.onTagSearch), picked tags become chips and are
 * sent as `input_tag`; the composer tools set `inference_options.tool_choice`.
 */
export function Composer({
  composer,
  entities,
  busy,
  canStop,
  onSend,
  onStop,
  ref,
}: ComposerProps) {
  const [text, setText] = useState("");
  const [tags, setTags] = useState<ComposerTag[]>([]);
  const [toolId, setToolId] = useState<string | null>(null);
  const [toolsOpen, setToolsOpen] = useState(false);
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [highlight, setHighlight] = useState(0);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const menuId = useId();
  const toolsMenuId = useId();

  const tools: ToolOption[] = useMemo(() => composer?.tools ?? [], [composer?.tools]);
  const selectedTool = tools.find((tool) => tool.id === toolId) ?? null;
  const placeholder =
    selectedTool?.placeholderOverride ?? composer?.placeholder ?? DEFAULT_PLACEHOLDER;
  const onTagSearch = entities?.onTagSearch;

  useImperativeHandle(
    ref,
    () => ({
      setValue: (value) => {
        if (value.text !== undefined) {
          setText(value.text);
          setTags([]);
        }
        if (value.selectedToolId !== undefined) setToolId(value.selectedToolId);
      },
      focus: () => textareaRef.current?.focus(),
    }),
    [],
  );

  // Follow the "@query" at the caret; results are kept with the query they answer,
  // so a superseded search never shows.
  const query = mention?.query ?? null;
  const [answered, setAnswered] = useState<{ query: string; entities: Entity[] } | null>(null);
  useEffect(() => {
    if (query === null || !onTagSearch) return;
    let current = true;
    onTagSearch(query).then(
      (found) => {
        if (current) setAnswered({ query, entities: found });
      },
      () => {
        if (current) setAnswered({ query, entities: [] });
      },
    );
    return () => {
      current = false;
    };
  }, [query, onTagSearch]);
  const searching = query !== null && answered?.query !== query;
  const results = useMemo(
    () => (query !== null && answered?.query === query ? answered.entities : []),
    [answered, query],
  );

  const groups = useMemo(() => groupEntities(results), [results]);
  const ordered = useMemo(() => menuOrder(groups), [groups]);
  const menuOpen = mention !== null && Boolean(onTagSearch);
  const active = menuOpen ? (ordered[highlight] ?? ordered[0] ?? null) : null;
  const optionId = useCallback((entity: Entity) => `${menuId}-${entity.id}`, [menuId]);

  const updateMention = (value: string, caret: number) => {
    const found = onTagSearch ? findMentionQuery(value, caret) : null;
    // The "@" of a tag already picked is not a new mention.
    const picked = found && tags.some((tag) => value.startsWith(tag.marker, found.start));
    setMention(picked ? null : found);
    if (found?.query !== mention?.query) setHighlight(0);
  };

  const pick = (entity: Entity) => {
    const textarea = textareaRef.current;
    if (!mention || !textarea) return;
    const next = insertMention(text, mention, textarea.selectionStart, entity);
    setText(next.text);
    setTags((current) => [
      ...current.filter((tag) => tag.entity.id !== entity.id),
      { entity, marker: markerFor(entity) },
    ]);
    setMention(null);
    requestAnimationFrame(() => {
      textarea.focus();
      textarea.setSelectionRange(next.caret, next.caret);
    });
  };

  const send = () => {
    if (busy) return;
    const content = buildMessageContent(text, liveTags(text, tags));
    if (content.length === 0) return;
    onSend(content, toolId ? { id: toolId } : null);
    setText("");
    setTags([]);
    setMention(null);
    if (!selectedTool?.persistent) setToolId(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (menuOpen) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        setHighlight((current) =>
          moveHighlight(current, event.key === "ArrowDown" ? 1 : -1, ordered.length),
        );
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && active) {
        event.preventDefault();
        pick(active);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setMention(null);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  const shownTags = liveTags(text, tags);
  const pinned = tools.filter((tool) => tool.pinned);

  return (
    <form
      className="chat-composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {shownTags.length > 0 && (
        <div className="chat-composer__chips" aria-label="Mentions in this message">
          {shownTags.map((tag) => (
            <TagChip
              key={tag.entity.id}
              entity={tag.entity}
              entities={entities}
              onRemove={() => {
                setText((current) => current.replace(tag.marker, "").replace(/ {2,}/g, " "));
                setTags((current) => current.filter((other) => other !== tag));
              }}
            />
          ))}
        </div>
      )}
      {menuOpen && (
        <MentionMenu
          id={menuId}
          groups={groups}
          activeId={active?.id ?? null}
          loading={searching}
          query={mention.query}
          onPick={pick}
          optionId={optionId}
        />
      )}
      <textarea
        ref={textareaRef}
        className="chat-composer__input"
        aria-label="Message"
        placeholder={placeholder}
        rows={1}
        value={text}
        aria-autocomplete="list"
        aria-controls={menuOpen ? menuId : undefined}
        aria-activedescendant={active ? optionId(active) : undefined}
        onChange={(event) => {
          setText(event.target.value);
          updateMention(event.target.value, event.target.selectionStart);
        }}
        onSelect={(event) => {
          const target = event.currentTarget;
          updateMention(target.value, target.selectionStart);
        }}
        onBlur={() => {
          setMention(null);
        }}
        onKeyDown={onKeyDown}
      />
      <div className="chat-composer__bar">
        {tools.length > 0 && (
          <div className="chat-composer__tools">
            <button
              type="button"
              className="chat-icon-button"
              aria-label="Tools"
              aria-haspopup="menu"
              aria-expanded={toolsOpen}
              aria-controls={toolsOpen ? toolsMenuId : undefined}
              onClick={() => {
                setToolsOpen((open) => !open);
              }}
            >
              <ShellIcon name="tools" />
            </button>
            {toolsOpen && (
              <div
                className="chat-composer__menu"
                role="menu"
                id={toolsMenuId}
                aria-label="Tools"
                onKeyDown={(event) => {
                  if (event.key === "Escape") setToolsOpen(false);
                }}
              >
                {tools.map((tool) => (
                  <button
                    key={tool.id}
                    type="button"
                    role="menuitemradio"
                    aria-checked={tool.id === toolId}
                    className="chat-composer__menu-item"
                    onClick={() => {
                      setToolId(tool.id === toolId ? null : tool.id);
                      setToolsOpen(false);
                      textareaRef.current?.focus();
                    }}
                  >
                    <ShellIcon name={tool.icon} />
                    {tool.label}
                  </button>
                ))}
              </div>
            )}
            {pinned.map((tool) => (
              <button
                key={tool.id}
                type="button"
                className="chat-tool"
                aria-pressed={tool.id === toolId}
                title={tool.label}
                onClick={() => {
                  setToolId(tool.id === toolId ? null : tool.id);
                  textareaRef.current?.focus();
                }}
              >
                <ShellIcon name={tool.icon} />
                <span>{tool.shortLabel ?? tool.label}</span>
              </button>
            ))}
          </div>
        )}
        {busy && canStop ? (
          <button
            type="button"
            className="chat-send chat-send--stop"
            aria-label="Stop the answer"
            onClick={onStop}
          >
            <ShellIcon name="stop" />
          </button>
        ) : (
          <button
            type="submit"
            className="chat-send"
            aria-label="Send message"
            disabled={busy || text.trim() === ""}
          >
            <ShellIcon name="arrow-up" />
          </button>
        )}
      </div>
    </form>
  );
}
