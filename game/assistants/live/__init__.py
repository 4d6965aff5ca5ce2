"""The live assistant: a Claude model, through the Anthropic Messages API, plays the assistant.

`anthropic` is imported only inside this package (and in game/judge.py), and only when a
client is first needed, so the rest of the game starts without paying for it.

One module per concept: settings (how the model is asked), prompt (what it is told), client
(the SDK's client and its errors in words), streaming (one attempt at a streamed request),
unstreamed (one attempt at a request answered whole, record's), reply (what came back, checked
at the boundary), exchange (one turn, request by request), assistant (the retries and the
turn), batches (the Message Batches path)."""

from game.assistants.live.assistant import LiveAssistant
from game.assistants.live.client import make_client, scrub, translate_error
from game.assistants.live.errors import LiveError, RequestFailed
from game.assistants.live.exchange import TurnExchange
from game.assistants.live.prompt import HELD, QUEUED, conversation, system_prompt, tool_definitions
from game.assistants.live.reply import checked_content
from game.assistants.live.settings import (
    API_KEY_ENV,
    DEFAULT_MODEL,
    MODEL_ENV,
    SEND_EMAIL,
    LiveSettings,
    parse_thinking,
    settings_kwargs,
)

__all__ = [
    "API_KEY_ENV", "DEFAULT_MODEL", "HELD", "MODEL_ENV", "QUEUED", "SEND_EMAIL", "LiveAssistant", "LiveError",
    "LiveSettings", "RequestFailed", "TurnExchange", "checked_content", "conversation", "make_client",
    "parse_thinking", "scrub", "settings_kwargs", "system_prompt", "tool_definitions", "translate_error",
]
