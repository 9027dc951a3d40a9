"""Turns stored thread items into model input.

chatkit's `ThreadItemConverter` handles messages, widgets and hidden context; this
subclass adds what the app's composer produces: @mention tags. A tag for a task
becomes `<TASK_REF id="12">Fix login</TASK_REF>` and a tag for a person
`<USER_REF id="3">Bob Builder</USER_REF>`, in place in the user's words, so
"approve @Fix login" reaches the model as "approve <TASK_REF id="12">Fix login</TASK_REF>".
Tags with ids the app does not issue stay as plain "@text".

Earlier answers go back as assistant messages with plain string content, the one
form both APIs accept: chatkit's default (`output_text` parts) is refused by the
Agents SDK's Chat Completions converter ("Unknown content").
"""

import html
import re

from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    AssistantMessageItem,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
)
from openai.types.responses import EasyInputMessageParam, ResponseInputTextParam

ENTITY_ID = re.compile(r"^(task|user):([1-9][0-9]{0,17})$")
MARKERS = {"task": "TASK_REF", "user": "USER_REF"}


def tag_marker(tag: UserMessageTagContent) -> str:
    """The marker for a tag; its text is escaped so it cannot close or forge a marker."""
    match = ENTITY_ID.match(tag.id)
    text = html.escape(tag.text, quote=False)
    if match is None:
        return f"@{text}"
    name = MARKERS[match.group(1)]
    return f'<{name} id="{match.group(2)}">{text}</{name}>'


class TaskboardThreadItemConverter(ThreadItemConverter):
    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputTextParam:
        return ResponseInputTextParam(
            type="input_text", text=f"The user mentioned {tag_marker(tag)}."
        )

    async def user_message_to_input(self, item: UserMessageItem, is_last_message: bool = True):
        """The default conversion, with each tag written as its marker where it was typed."""
        inputs = await super().user_message_to_input(item, is_last_message)
        if not any(isinstance(part, UserMessageTagContent) for part in item.content):
            return inputs
        text = "".join(
            part.text if isinstance(part, UserMessageTextContent) else tag_marker(part)
            for part in item.content
        )
        first, *rest = inputs
        first["content"][0]["text"] = text
        return [first, *rest]

    async def assistant_message_to_input(self, item: AssistantMessageItem) -> EasyInputMessageParam:
        text = "".join(part.text for part in item.content)
        return EasyInputMessageParam(type="message", role="assistant", content=text)
