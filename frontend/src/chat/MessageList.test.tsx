import { render, screen } from "@testing-library/react";
import type { ReactNode } from "react";

import { MessageList, type MessageListProps } from "./MessageList";
import { initialChatState, type ChatState } from "./reducer";
import type { ThreadItem, WidgetItem } from "./types";

// Counts how often an answer's Markdown is parsed: each call is one render of it.
const markdownRenders = vi.hoisted(() => ({ count: 0 }));
vi.mock("react-markdown", () => ({
  default: ({ children }: { children: ReactNode }) => {
    markdownRenders.count += 1;
    return <p>{children}</p>;
  },
}));

const NOW = "2026-12-03T16:00:00Z";

const answer = (id: string, text: string): ThreadItem => ({
  type: "assistant_message",
  id,
  thread_id: "thr_1",
  created_at: NOW,
  content: [{ type: "output_text", text, annotations: [] }],
});

const widget = (label: string): WidgetItem => ({
  type: "widget",
  id: "wdg_1",
  thread_id: "thr_1",
  created_at: NOW,
  widget: { type: "Card", children: [{ type: "Text", value: label }] },
});

const noop = () => Promise.resolve();

function props(state: ChatState): MessageListProps {
  return {
    state,
    entities: undefined,
    itemActions: { feedback: true, retry: true },
    onAction: noop,
    onFeedback: noop,
    onRetryItem: noop,
    onRetryError: noop,
    onDismissError: () => undefined,
    onDismissNotice: () => undefined,
    onWidgetError: () => undefined,
    onLoadOlder: noop,
  };
}

test("a replaced widget and the end of a response leave the thread's answers as they are", () => {
  const answers = Array.from({ length: 10 }, (_, n) =>
    answer(`msg_${String(n)}`, `Answer ${String(n)}`),
  );
  const streaming: ChatState = {
    ...initialChatState,
    items: [...answers, widget("Start")],
    isStreaming: true,
  };
  const { rerender } = render(<MessageList {...props(streaming)} />);
  expect(screen.getByText("Answer 9")).toBeInTheDocument();
  expect(markdownRenders.count).toBe(10);

  // The widget is replaced, then the response ends: the same answers, unchanged.
  const replaced: ChatState = { ...streaming, items: [...answers, widget("Submit for review")] };
  rerender(<MessageList {...props(replaced)} />);
  rerender(<MessageList {...props({ ...replaced, isStreaming: false })} />);

  expect(screen.getByText("Submit for review")).toBeInTheDocument();
  expect(screen.getAllByRole("button", { name: "Good answer" })).toHaveLength(10);
  // Only the items an event changes are drawn again; the answers are not parsed anew.
  expect(markdownRenders.count).toBe(10);
});
