/**
 * The one table from a widget component's `type` to the React component that
 * draws it. A type missing here is shown as a visible placeholder
 * (`UnknownComponent`); a Vitest test checks every type our `.widget`
 * templates can produce is in this table.
 */

import type { ComponentType } from "react";

import { Button, Checkbox, DatePicker, Input, RadioGroup, Select, Textarea } from "./controls";
import {
  Basic,
  Box,
  Card,
  Col,
  Divider,
  Form,
  ListView,
  ListViewItem,
  Row,
  Spacer,
  Transition,
} from "./layout";
import { Badge, Caption, Icon, Image, Label, Markdown, Text, Title } from "./text";
import type { WidgetProps } from "./types";

export const WIDGET_RENDERERS: Readonly<Record<string, ComponentType<WidgetProps>>> = {
  Card,
  ListView,
  ListViewItem,
  Basic,
  Box,
  Row,
  Col,
  Form,
  Divider,
  Spacer,
  Transition,
  Text,
  Title,
  Caption,
  Markdown,
  Label,
  Badge,
  Icon,
  Image,
  Button,
  Input,
  Textarea,
  Select,
  DatePicker,
  Checkbox,
  RadioGroup,
};

export function hasRenderer(type: string): boolean {
  return Object.hasOwn(WIDGET_RENDERERS, type);
}

/** What a widget from a newer server looks like here: says what is missing, never breaks the rest. */
export function UnknownComponent({ node }: WidgetProps) {
  return (
    <div className="cw-unknown" role="note" data-widget={node.type}>
      Unsupported widget component: {node.type}
    </div>
  );
}
