export { WidgetView, type WidgetViewProps } from "./WidgetView";
export { WIDGET_RENDERERS, hasRenderer } from "./registry";
export { collectFormValues } from "./context";
