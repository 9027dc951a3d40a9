import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  // Links leave the panel in a new tab and pass no referrer.
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
};

/** Only http(s) and mailto links survive; anything else (javascript:, data:) becomes plain text. */
function safeUrl(url: string): string {
  return /^(https?:|mailto:|#|\/)/i.test(url) ? url : "";
}

/** An assistant's Markdown, rendered by react-markdown with raw HTML dropped, never executed. */
function MarkdownText({ text }: { text: string }) {
  return (
    <div className="chat-markdown">
      <ReactMarkdown skipHtml components={components} urlTransform={safeUrl}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

/** Parsed again only when the text changes (a settled answer re-renders for nothing else). */
export const Markdown = memo(MarkdownText);
