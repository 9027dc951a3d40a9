import type { ReactNode } from "react";

import type { WidgetComponent } from "../types";

/** Renders a list of child nodes through the registry. */
export type RenderNodes = (nodes: WidgetComponent[]) => ReactNode;

/** What every widget component receives: its node and the way to render its children. */
export interface WidgetProps {
  node: WidgetComponent;
  render: RenderNodes;
}
