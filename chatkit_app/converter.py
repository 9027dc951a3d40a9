"""Turns stored thread items into model input.

chatkit's `ThreadItemConverter` handles messages, widgets and hidden context; this
subclass adds what the app's composer produces (tags from @mentions).
"""

from chatkit.agents import ThreadItemConverter
from chatkit.types import UserMessageTagContent
from openai.types.responses import ResponseInputTextParam


class TaskboardThreadItemConverter(ThreadItemConverter):
    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputTextParam:
        return ResponseInputTextParam(type="input_text", text=f"The user mentioned {tag.text}.")
