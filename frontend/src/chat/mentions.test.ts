import type { Entity } from "@openai/chatkit-react";

import {
  buildMessageContent,
  findMentionQuery,
  groupEntities,
  insertMention,
  liveTags,
  markerFor,
  menuOrder,
  moveHighlight,
} from "./mentions";

const fixLogin: Entity = {
  id: "task:12",
  title: "Fix login",
  group: "Tasks",
  data: { status: "review" },
  interactive: true,
};
const bob: Entity = { id: "user:3", title: "Bob", group: "People", data: {} };

describe("findMentionQuery", () => {
  it("finds the query after an @ at the start or after a space, up to the caret", () => {
    expect(findMentionQuery("@fix", 4)).toEqual({ start: 0, query: "fix" });
    expect(findMentionQuery("approve @fix lo", 15)).toEqual({ start: 8, query: "fix lo" });
    expect(findMentionQuery("approve @", 9)).toEqual({ start: 8, query: "" });
  });

  it("ignores an @ inside a word, after a line break or far behind the caret", () => {
    expect(findMentionQuery("mail me@example.com", 19)).toBeNull();
    expect(findMentionQuery("@fix\nmore", 9)).toBeNull();
    expect(findMentionQuery(`@${"x".repeat(41)}`, 42)).toBeNull();
    expect(findMentionQuery("@ fix", 5)).toBeNull();
    expect(findMentionQuery("no mention", 10)).toBeNull();
  });
});

describe("insertMention", () => {
  it("replaces the typed query with the tag's marker and a space, caret after it", () => {
    const text = "approve @fix";
    const result = insertMention(text, { start: 8, query: "fix" }, 12, fixLogin);
    expect(result).toEqual({ text: "approve @Fix login ", caret: 19 });
  });

  it("keeps the text after the caret", () => {
    const result = insertMention("@fi please", { start: 0, query: "fi" }, 3, fixLogin);
    expect(result.text).toBe("@Fix login please");
  });
});

describe("buildMessageContent", () => {
  const tags = [
    { entity: fixLogin, marker: markerFor(fixLogin) },
    { entity: bob, marker: markerFor(bob) },
  ];

  it("splits the text at each tag into input_text and input_tag parts, in order", () => {
    expect(buildMessageContent("approve @Fix login ", tags)).toEqual([
      { type: "input_text", text: "approve " },
      {
        type: "input_tag",
        id: "task:12",
        text: "Fix login",
        data: { status: "review" },
        group: "Tasks",
        interactive: true,
      },
    ]);
    const parts = buildMessageContent(" give @Bob @Fix login now ", tags);
    expect(parts.map((part) => (part.type === "input_tag" ? part.id : part.text))).toEqual([
      "give ",
      "user:3",
      " ",
      "task:12",
      " now",
    ]);
  });

  it("sends plain text when there are no tags, and nothing for whitespace", () => {
    expect(buildMessageContent("  show tasks\n", [])).toEqual([
      { type: "input_text", text: "show tasks" },
    ]);
    expect(buildMessageContent("   ", [])).toEqual([]);
  });

  it("drops tags whose marker the user erased", () => {
    expect(liveTags("approve it", tags)).toEqual([]);
    expect(liveTags("ask @Bob", tags).map((tag) => tag.entity.id)).toEqual(["user:3"]);
  });
});

describe("grouping and keyboard navigation", () => {
  it("groups results in order of first appearance, and walks them group by group", () => {
    const other: Entity = { id: "task:13", title: "Fix logout", group: "Tasks" };
    const groups = groupEntities([fixLogin, bob, other]);
    expect(groups.map((group) => group.name)).toEqual(["Tasks", "People"]);
    expect(menuOrder(groups).map((entity) => entity.id)).toEqual(["task:12", "task:13", "user:3"]);
  });

  it("wraps the highlight around at both ends", () => {
    expect(moveHighlight(0, 1, 3)).toBe(1);
    expect(moveHighlight(2, 1, 3)).toBe(0);
    expect(moveHighlight(0, -1, 3)).toBe(2);
    expect(moveHighlight(0, 1, 0)).toBe(-1);
  });
});
