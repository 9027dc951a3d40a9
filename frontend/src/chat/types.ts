/**
 * Wire types of the ChatKit protocol, as the Python SDK (`chatkit/types.py`,
 * `actions.py`, `widgets.py`) sends and accepts them. Names follow ChatKit's own
 * (`ThreadStreamEvent`, `ThreadItemUpdate`, `ActionConfig`…). Field names are the
 * wire's snake_case; nothing here holds behaviour.
 */

// ---------------------------------------------------------------- shared shapes

export interface Page<T> {
  data: T[];
  has_more: boolean;
  after: string | null;
}

export type ThreadStatus =
  | { type: "active" }
  | { type: "locked"; reason?: string | null }
  | { type: "closed"; reason?: string | null };

export interface ThreadMetadata {
  id: string;
  title?: string | null;
  created_at: string;
  status: ThreadStatus;
  allowed_image_domains?: string[] | null;
  metadata?: Record<string, unknown>;
}

export interface Thread extends ThreadMetadata {
  items: Page<ThreadItem>;
}

// ---------------------------------------------------------------- content

export interface InputTextContent {
  type: "input_text";
  text: string;
}

/** An @mention: the entity the user picked in the composer. */
export interface InputTagContent {
  type: "input_tag";
  id: string;
  text: string;
  data: Record<string, unknown>;
  group?: string | null;
  interactive?: boolean;
}

export type UserMessageContent = InputTextContent | InputTagContent;

export interface InferenceOptions {
  tool_choice?: { id: string } | null;
  model?: string | null;
}

export interface UserMessageInput {
  content: UserMessageContent[];
  attachments: string[];
  quoted_text?: string | null;
  inference_options: InferenceOptions;
}

interface SourceBase {
  title: string;
  description?: string | null;
  timestamp?: string | null;
  group?: string | null;
}

export interface URLSource extends SourceBase {
  type: "url";
  url: string;
  attribution?: string | null;
}

export interface FileSource extends SourceBase {
  type: "file";
  filename: string;
}

export interface EntitySource extends SourceBase {
  type: "entity";
  id: string;
  icon?: string | null;
  label?: string | null;
  inline_label?: string | null;
  interactive?: boolean;
  data?: Record<string, unknown>;
}

export type Source = URLSource | FileSource | EntitySource;

export interface Annotation {
  type: "annotation";
  source: Source;
  index?: number | null;
}

export interface AssistantMessageContent {
  type: "output_text";
  text: string;
  annotations: Annotation[];
}

export interface Attachment {
  type: "file" | "image";
  id: string;
  name: string;
  mime_type: string;
  preview_url?: string | null;
  thread_id?: string | null;
  upload_descriptor?: unknown;
}

// ---------------------------------------------------------------- widgets

/**
 * One node of a widget tree. Kept loose on purpose: the server builds widgets
 * from `.widget` templates (`DynamicWidgetRoot`, extra fields allowed), so a
 * renderer reads the props it knows and shows a placeholder for unknown types.
 */
export interface WidgetComponent {
  type: string;
  id?: string | null;
  key?: string | null;
  children?: WidgetComponent[] | null;
  [prop: string]: unknown;
}

/** A widget item's root: `Card`, `ListView` or `Basic`. */
export type WidgetRoot = WidgetComponent;

export type LoadingBehavior = "auto" | "self" | "container" | "none";

/** What a widget control does when used (`chatkit/actions.py`). */
export interface ActionConfig {
  type: string;
  payload?: Record<string, unknown> | null;
  /** `"server"` (the default) or `"client"` (goes to `widgets.onAction`). */
  handler?: "server" | "client";
  loadingBehavior?: LoadingBehavior;
  /** `false` sends `threads.sync_custom_action` instead of a streamed `threads.custom_action`. */
  streaming?: boolean;
}

/** The action as sent in `threads.custom_action` / handed to `widgets.onAction`. */
export interface Action {
  type: string;
  payload?: Record<string, unknown> | null;
}

// ---------------------------------------------------------------- thread items

interface ThreadItemBase {
  id: string;
  thread_id: string;
  created_at: string;
}

export interface UserMessageItem extends ThreadItemBase {
  type: "user_message";
  content: UserMessageContent[];
  attachments: Attachment[];
  quoted_text?: string | null;
  inference_options: InferenceOptions;
}

export interface AssistantMessageItem extends ThreadItemBase {
  type: "assistant_message";
  content: AssistantMessageContent[];
}

export interface ClientToolCallItem extends ThreadItemBase {
  type: "client_tool_call";
  status: "pending" | "completed";
  call_id: string;
  name: string;
  arguments: Record<string, unknown>;
  output?: unknown;
}

export interface WidgetItem extends ThreadItemBase {
  type: "widget";
  widget: WidgetRoot;
  copy_text?: string | null;
}

export interface GeneratedImage {
  id: string;
  url: string;
}

export interface GeneratedImageItem extends ThreadItemBase {
  type: "generated_image";
  image?: GeneratedImage | null;
}

interface StructuredInputBase {
  id: string;
  question: string;
  answer?: { values: string[]; skipped: boolean } | null;
}

export type StructuredInput =
  | (StructuredInputBase & {
      type: "multiple_choice";
      options: { value: string }[];
      multiple?: boolean;
    })
  | (StructuredInputBase & { type: "freeform"; description?: string | null });

export interface StructuredInputItem extends ThreadItemBase {
  type: "structured_input";
  status: "pending" | "answered" | "skipped";
  inputs: StructuredInput[];
}

export type TaskStatusIndicator = "none" | "loading" | "complete";

interface TaskBase {
  status_indicator?: TaskStatusIndicator;
  title?: string | null;
}

export type WorkflowTask =
  | (TaskBase & { type: "custom"; icon?: string | null; content?: string | null })
  | (TaskBase & {
      type: "web_search";
      title_query?: string | null;
      queries: string[];
      sources: URLSource[];
    })
  | (TaskBase & { type: "thought"; content: string })
  | (TaskBase & { type: "file"; sources: FileSource[] })
  | (TaskBase & { type: "image" });

export type WorkflowSummary = { title: string; icon?: string | null } | { duration: number };

export interface Workflow {
  type: "custom" | "reasoning";
  tasks: WorkflowTask[];
  summary?: WorkflowSummary | null;
  expanded?: boolean;
}

export interface WorkflowItem extends ThreadItemBase {
  type: "workflow";
  workflow: Workflow;
}

export interface TaskItem extends ThreadItemBase {
  type: "task";
  task: WorkflowTask;
}

export interface EndOfTurnItem extends ThreadItemBase {
  type: "end_of_turn";
}

export type ThreadItem =
  | UserMessageItem
  | AssistantMessageItem
  | ClientToolCallItem
  | WidgetItem
  | GeneratedImageItem
  | StructuredInputItem
  | WorkflowItem
  | TaskItem
  | EndOfTurnItem;

// ---------------------------------------------------------------- item updates

export type ThreadItemUpdate =
  | {
      type: "assistant_message.content_part.added";
      content_index: number;
      content: AssistantMessageContent;
    }
  | { type: "assistant_message.content_part.text_delta"; content_index: number; delta: string }
  | {
      type: "assistant_message.content_part.annotation_added";
      content_index: number;
      annotation_index: number;
      annotation: Annotation;
    }
  | {
      type: "assistant_message.content_part.done";
      content_index: number;
      content: AssistantMessageContent;
    }
  | {
      type: "widget.streaming_text.value_delta";
      component_id: string;
      delta: string;
      done: boolean;
    }
  | { type: "widget.component.updated"; component_id: string; component: WidgetComponent }
  | { type: "widget.root.updated"; widget: WidgetRoot }
  | { type: "workflow.task.added"; task_index: number; task: WorkflowTask }
  | { type: "workflow.task.updated"; task_index: number; task: WorkflowTask }
  | { type: "generated_image.updated"; image: GeneratedImage; progress?: number | null };

// ---------------------------------------------------------------- stream events

export interface StreamOptions {
  allow_cancel: boolean;
}

export type ErrorCode = "stream.error" | "custom";

export type NoticeLevel = "info" | "warning" | "danger";

export type ThreadStreamEvent =
  | { type: "thread.created"; thread: Thread }
  | { type: "thread.updated"; thread: Thread }
  | { type: "thread.item.added"; item: ThreadItem }
  | { type: "thread.item.updated"; item_id: string; update: ThreadItemUpdate }
  | { type: "thread.item.done"; item: ThreadItem }
  | { type: "thread.item.removed"; item_id: string }
  | { type: "thread.item.replaced"; item: ThreadItem }
  | { type: "stream_options"; stream_options: StreamOptions }
  | { type: "progress_update"; icon?: string | null; text: string }
  | { type: "client_effect"; name: string; data: Record<string, unknown> }
  | { type: "error"; code: ErrorCode; message?: string | null; allow_retry: boolean }
  | { type: "notice"; level: NoticeLevel; message: string; title?: string | null };

export type ThreadStreamEventType = ThreadStreamEvent["type"];

// ---------------------------------------------------------------- requests

export interface StreamingRequestMap {
  "threads.create": { input: UserMessageInput };
  "threads.add_user_message": { thread_id: string; input: UserMessageInput };
  "threads.add_client_tool_output": { thread_id: string; result: unknown };
  "threads.retry_after_item": { thread_id: string; item_id: string };
  "threads.custom_action": { thread_id: string; item_id?: string | null; action: Action };
}

export interface NonStreamingRequestMap {
  "threads.get_by_id": { thread_id: string };
  "threads.list": { limit?: number; order?: "asc" | "desc"; after?: string | null };
  "items.list": {
    thread_id: string;
    limit?: number;
    order?: "asc" | "desc";
    after?: string | null;
  };
  "items.feedback": { thread_id: string; item_ids: string[]; kind: "positive" | "negative" };
  "threads.update": { thread_id: string; title: string };
  "threads.delete": { thread_id: string };
  "threads.sync_custom_action": { thread_id: string; item_id?: string | null; action: Action };
}

/** What each JSON request returns. */
export interface NonStreamingResponseMap {
  "threads.get_by_id": Thread;
  "threads.list": Page<Thread>;
  "items.list": Page<ThreadItem>;
  "items.feedback": Record<string, never>;
  "threads.update": Thread;
  "threads.delete": Record<string, never>;
  "threads.sync_custom_action": SyncCustomActionResponse;
}

type RequestOf<M> = {
  [K in keyof M]: { type: K; params: M[K]; metadata?: Record<string, unknown> };
}[keyof M];

export type StreamingRequest = RequestOf<StreamingRequestMap>;
export type NonStreamingRequest = RequestOf<NonStreamingRequestMap>;
export type ChatKitRequest = StreamingRequest | NonStreamingRequest;

export interface SyncCustomActionResponse {
  updated_item?: ThreadItem | null;
}
