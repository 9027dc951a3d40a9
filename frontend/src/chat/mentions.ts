/**
 * The composer's @mentions as plain functions: where a mention query is being
 * typed, how results are grouped for the menu, and how the text with its picked
 * tags becomes the message's `input_text` / `input_tag` content.
 */
import type { Entity } from "@openai/chatkit-react";

import type { InputTagContent, UserMessageContent } from "./types";

/** The longest query the typeahead follows; beyond it the "@" is taken as plain text. */
export const MAX_MENTION_QUERY = 40;

export interface MentionQuery {
  /** Index of the "@" in the text. */
  start: number;
  /** What follows the "@" up to the caret. */
  query: string;
}

/**
 * The mention being typed at `caret`: an "@" at the start of the text or after
 * whitespace, followed by up to MAX_MENTION_QUERY characters without a line break.
 */
export function findMentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0) return null;
  if (at > 0 && !/\s/.test(before.charAt(at - 1))) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_MENTION_QUERY || /[\n\r]/.test(query) || query.startsWith(" ")) {
    return null;
  }
  return { start: at, query };
}

/** A tag the user picked; it stands in the composer text as `@<title>`. */
export interface ComposerTag {
  entity: Entity;
  marker: string;
}

export function markerFor(entity: Entity): string {
  return `@${entity.title}`;
}

/** The text after picking `entity` for the mention at `mention`, and where the caret goes. */
export function insertMention(
  text: string,
  mention: MentionQuery,
  caret: number,
  entity: Entity,
): { text: string; caret: number } {
  const marker = markerFor(entity);
  const after = text.slice(caret);
  const spacer = after.startsWith(" ") ? "" : " ";
  const next = `${text.slice(0, mention.start)}${marker}${spacer}${after}`;
  return { text: next, caret: mention.start + marker.length + spacer.length };
}

export function toInputTag(entity: Entity): InputTagContent {
  const tag: InputTagContent = {
    type: "input_tag",
    id: entity.id,
    text: entity.title,
    data: { ...(entity.data ?? {}) },
    interactive: entity.interactive ?? true,
  };
  if (entity.group) tag.group = entity.group;
  return tag;
}

/** Tags whose marker is still in the text; a tag the user erased is dropped. */
export function liveTags(text: string, tags: readonly ComposerTag[]): ComposerTag[] {
  return tags.filter((tag) => text.includes(tag.marker));
}

/**
 * The message content: the text split at each tag's marker into `input_text`
 * and `input_tag` parts, in the order they appear. Whitespace-only text
 * between tags is kept so the words around a tag read naturally.
 */
export function buildMessageContent(
  text: string,
  tags: readonly ComposerTag[],
): UserMessageContent[] {
  const content: UserMessageContent[] = [];
  let rest = text;
  for (;;) {
    let best: { index: number; tag: ComposerTag } | null = null;
    for (const tag of tags) {
      const index = rest.indexOf(tag.marker);
      if (index >= 0 && (best === null || index < best.index)) best = { index, tag };
    }
    if (best === null) break;
    const before = rest.slice(0, best.index);
    if (before) content.push({ type: "input_text", text: before });
    content.push(toInputTag(best.tag.entity));
    rest = rest.slice(best.index + best.tag.marker.length);
  }
  if (rest) content.push({ type: "input_text", text: rest });
  // Trim the message's outer whitespace, as the composer would.
  const first = content[0];
  if (first?.type === "input_text") first.text = first.text.trimStart();
  const last = content[content.length - 1];
  if (last?.type === "input_text") last.text = last.text.trimEnd();
  return content.filter((part) => part.type !== "input_text" || part.text !== "");
}

export interface EntityGroup {
  name: string;
  entities: Entity[];
}

/** Results grouped by `group`, groups in order of first appearance ("" for ungrouped). */
export function groupEntities(entities: readonly Entity[]): EntityGroup[] {
  const groups: EntityGroup[] = [];
  for (const entity of entities) {
    const name = entity.group ?? "";
    let group = groups.find((candidate) => candidate.name === name);
    if (!group) {
      group = { name, entities: [] };
      groups.push(group);
    }
    group.entities.push(entity);
  }
  return groups;
}

/** The results in menu order (group by group), which keyboard navigation walks. */
export function menuOrder(groups: readonly EntityGroup[]): Entity[] {
  return groups.flatMap((group) => group.entities);
}

/** The next highlighted index for ArrowDown (+1) / ArrowUp (-1), wrapping around. */
export function moveHighlight(current: number, delta: number, count: number): number {
  if (count === 0) return -1;
  return (((current + delta) % count) + count) % count;
}
