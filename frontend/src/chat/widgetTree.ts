/** Plain functions over a widget tree (`WidgetComponent` nodes nested in `children`). */

import type { WidgetComponent } from "./types";

/**
 * A copy of `root` where the node whose `id` is `id` is replaced by `change(node)`;
 * `root` itself when no node has that id. Nodes off the changed path are shared.
 */
export function updateWidgetNode(
  root: WidgetComponent,
  id: string,
  change: (node: WidgetComponent) => WidgetComponent,
): WidgetComponent {
  if (root.id === id) return change(root);
  const children = root.children;
  if (!Array.isArray(children)) return root;
  const next = children.map((child) => updateWidgetNode(child, id, change));
  return next.some((child, index) => child !== children[index])
    ? { ...root, children: next }
    : root;
}

/** Every node of the tree, depth first, the root included. */
export function* widgetNodes(root: WidgetComponent): Generator<WidgetComponent> {
  yield root;
  if (Array.isArray(root.children)) {
    for (const child of root.children) yield* widgetNodes(child);
  }
}
