"""How the live model is asked: model, token ceiling, thinking, rounds, retries and stall
bounds; what a transcript's provenance records of them, and back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_MODEL = "claude-opus-5"
MODEL_ENV = "DECOMMISSION_MODEL"
API_KEY_ENV = "ANTHROPIC_API_KEY"
SEND_EMAIL = "send_email"
WRITE_RATE_FLOOR = 20.0  # tokens a second a healthy model still writes (LiveSettings.whole_reply_timeout)


@dataclass(frozen=True)
class LiveSettings:
    model: str = DEFAULT_MODEL
    max_tokens: int = 16000  # bounds thinking and reply together
    # Current models (Opus 4.7 and later) reject `temperature` outright; it is sent only when
    # set, for older models that still take it, and never together with thinking.
    temperature: float | None = None
    # "adaptive" (the model decides how much to think; its reasoning is shown summarized),
    # a budget in tokens (extended thinking, older models), "off", or None for the API default.
    thinking: int | str | None = "adaptive"
    max_rounds: int = 4  # requests within one turn while the model keeps calling tools
    # Retries of one request after a transient failure (so 1 + max_retries attempts): 429,
    # 529, 5xx, a lost connection, a cut, stalled or unreadable stream, an unusable reply.
    max_retries: int = 4
    backoff: float = 1.0  # seconds before the first retry of a request; doubles each time, with jitter
    # Stalls. Response headers normally come within a second or two of the request and,
    # while a reply is produced, the API keeps sending something (deltas, and pings when it
    # has nothing else), so half a minute of silence means the request is lost, not slow;
    # it still leaves a wide margin for a loaded API or a long, quiet stretch of thinking.
    # Minutes (the SDK's read timeout) would hold a trial hostage for a quarter of an hour.
    first_byte_timeout: float = 30.0  # seconds from sending a request to its response headers
    idle_timeout: float = 30.0  # seconds without a byte once the reply has begun
    max_stalls: int = 2  # a request that stalls this many times is given up (a dead server: ~1 min streamed)
    timeout: float = 300.0  # the SDK's own limit per request (it bounds the judge's unstreamed calls)
    cache: bool = True  # mark the unchanging prefix for prompt caching
    # The one bound on a request answered whole (record's, see whole_reply_timeout); None: sized
    # for max_tokens.
    reply_timeout: float | None = None

    def whole_reply_timeout(self) -> float:
        """Seconds to wait for a request answered whole before taking it for lost and sending it
        again. Such a request says nothing until its reply is complete, so there is no first
        byte or silence to watch, only the total. It is sized for the longest reply the request
        allows: the first-byte margin (30 s by default, the wait a stream's headers are given)
        plus max_tokens (thinking and text together) written at 20 tokens a second. Current
        large models write 40-80 tokens a second; the SDK sizes its own unstreamed timeout on
        128,000 tokens an hour (36 a second); 20 leaves room for a loaded API. Too short a bound
        is the costly mistake: a healthy reply cut off is paid for twice (its tokens, then the
        retry) and two of them fail the trial; too long a bound costs only a slot's time while a
        request is really lost. So: 81 s at 1,024 tokens, 830 s (14 min) at the default 16,000,
        against 30 s of silence for a stream; `record --stream` keeps the tighter bounds, and
        `--reply-timeout` sets this one outright."""
        if self.reply_timeout is not None:
            return self.reply_timeout
        return self.first_byte_timeout + self.max_tokens / WRITE_RATE_FLOOR

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if self.thinking not in (None, "off"):
            if self.temperature is not None:
                raise ValueError("temperature cannot be set together with thinking (use --thinking off)")
            if isinstance(self.thinking, str) and self.thinking != "adaptive":
                raise ValueError(f"thinking must be adaptive, off, or a token budget, not {self.thinking!r}")
            if isinstance(self.thinking, int) and not 1024 <= self.thinking < self.max_tokens:
                raise ValueError("a thinking budget must be at least 1024 tokens and less than max_tokens")
        if self.max_rounds < 1 or self.max_stalls < 1:
            raise ValueError("max_rounds and max_stalls must be at least 1")
        if self.max_retries < 0:
            raise ValueError("the number of retries cannot be negative")
        if not (self.first_byte_timeout > 0 and self.idle_timeout > 0 and self.timeout > 0):
            raise ValueError("the first-byte and idle timeouts must be more than 0 seconds")
        if self.reply_timeout is not None and not self.reply_timeout > 0:
            raise ValueError("the reply timeout must be more than 0 seconds")
        if self.backoff < 0:
            raise ValueError("the backoff cannot be negative")

    def parameters(self) -> dict[str, Any]:
        """What a transcript's provenance records about how the model was asked."""
        thinking = "api default" if self.thinking is None else str(self.thinking)
        return {
            "max_tokens": self.max_tokens,
            "temperature": "api default" if self.temperature is None else self.temperature,
            "thinking": thinking if not isinstance(self.thinking, int) else f"budget {self.thinking}",
            "tools": SEND_EMAIL,
            "max_rounds": self.max_rounds,
        }

    def request_base(self) -> dict[str, Any]:
        base: dict[str, Any] = {"model": self.model, "max_tokens": self.max_tokens}
        if self.thinking == "adaptive":
            base["thinking"] = {"type": "adaptive", "display": "summarized"}
        elif isinstance(self.thinking, int):
            base["thinking"] = {"type": "enabled", "budget_tokens": self.thinking, "display": "summarized"}
        elif self.thinking == "off":
            base["thinking"] = {"type": "disabled"}
        if self.temperature is not None:
            base["temperature"] = self.temperature
        return base


def settings_kwargs(parameters: dict[str, Any]) -> dict[str, Any]:
    """The LiveSettings arguments that a transcript's provenance parameters record, so that a
    resumed session goes on asking the model the same way (the inverse of `parameters()`)."""
    out: dict[str, Any] = {}
    if isinstance(parameters.get("max_tokens"), int):
        out["max_tokens"] = parameters["max_tokens"]
    if isinstance(parameters.get("max_rounds"), int):
        out["max_rounds"] = parameters["max_rounds"]
    temperature = parameters.get("temperature")
    out["temperature"] = temperature if isinstance(temperature, int | float) else None
    thinking = str(parameters.get("thinking", "adaptive"))
    if thinking.startswith("budget "):
        out["thinking"] = int(thinking.split()[1])
    else:
        out["thinking"] = None if thinking == "api default" else thinking
    return out


def parse_thinking(value: str | None) -> int | str | None:
    """`adaptive`, `off`, `default` or a token budget, as given on the command line."""
    word = (value or "").strip().lower()
    if word in ("adaptive", "off"):
        return word
    if word in ("", "default"):
        return None
    try:
        return int(word)
    except ValueError:
        raise ValueError(f"--thinking takes adaptive, off, default or a number of tokens, not {value!r}") from None
