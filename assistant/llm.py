"""Optional language-model backends, as LangChain chat models, chosen by configuration.

Nothing here is needed for the default extractive answers. ``CSC_LLM`` switches a backend on:

=====================  =======================================================================
``openai-compatible``  ``langchain_openai.ChatOpenAI`` pointed at ``CSC_LLM_BASE_URL`` (vLLM,
                       the llama.cpp server, LM Studio, a hosted API); ``CSC_LLM_MODEL`` names the
                       model (default: the first one the server lists), ``CSC_LLM_API_KEY`` if needed
``ollama``             ``langchain_ollama.ChatOllama`` (``CSC_LLM_BASE_URL`` default
                       http://127.0.0.1:11434; ``CSC_LLM_MODEL`` required)
``llamacpp``           a local GGUF file (``CSC_LLM_MODEL_PATH``) run in process by llama-cpp-python
=====================  =======================================================================

:func:`load_chat_model` never raises for configuration problems: a missing optional package, a
server that does not answer or a missing model file is reported once (log warning, which the CLI
sends to stderr) and ``None`` is returned, so the assistant carries on in extractive mode.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from ingest.config import LLMSettings, Settings, load_settings

log = logging.getLogger(__name__)

BACKENDS = ("openai-compatible", "ollama", "llamacpp")
OFF = ("", "none", "off", "extractive", "0", "false", "no")
DEFAULT_OLLAMA_URL = "http://127.0.0.1:11434"
_ALIASES = {"openai": "openai-compatible", "openai_compatible": "openai-compatible", "llama.cpp": "llamacpp"}

_warned: set[str] = set()
_warn_lock = threading.Lock()


class LLMUnavailable(RuntimeError):
    """The configured backend cannot be used; ``str()`` is the message shown once at start-up."""


@dataclass(frozen=True)
class LLMConfig:
    backend: str
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)
    model_path: str | None = None
    # the same defaults as Settings' llm group, for configs built directly (tests, benchmarks)
    temperature: float = LLMSettings.model_fields["temperature"].default
    max_tokens: int = LLMSettings.model_fields["max_tokens"].default
    timeout: float = LLMSettings.model_fields["timeout"].default
    n_ctx: int = LLMSettings.model_fields["n_ctx"].default

    @classmethod
    def from_settings(cls, settings: Settings | None = None, backend: str | None = None) -> LLMConfig | None:
        """The configuration of ``settings.llm`` (``CSC_LLM*``; ``None``: read the environment now);
        ``backend`` (e.g. ``ask --llm``) overrides ``CSC_LLM``.

        ``None`` when no backend is chosen (the default).
        """
        llm = (settings or load_settings()).llm
        name = (backend if backend is not None else llm.backend).strip().lower()
        if name in OFF:
            return None
        name = _ALIASES.get(name, name)
        return cls(
            backend=name,
            base_url=llm.base_url or None,
            model=llm.model or None,
            api_key=llm.api_key.get_secret_value() if llm.api_key else None,
            model_path=llm.model_path or None,
            temperature=llm.temperature,
            max_tokens=llm.max_tokens,
            timeout=llm.timeout,
            n_ctx=llm.n_ctx,
        )

    @classmethod
    def from_env(cls, backend: str | None = None) -> LLMConfig | None:
        """:meth:`from_settings` with the environment as it is now."""
        return cls.from_settings(None, backend)

    def describe(self) -> str:
        where = self.model_path if self.backend == "llamacpp" else self.base_url
        return f"{self.backend} ({self.model or 'default model'} at {where or 'default address'})"


def warn_once(message: str) -> None:
    """Log a start-up problem once per process (the CLI's logging handler prints it to stderr)."""
    with _warn_lock:
        if message in _warned:
            return
        _warned.add(message)
    log.warning("%s", message)


def _get_json(url: str, timeout: float, api_key: str | None = None) -> Any:
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    if api_key:
        req.add_header("Authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (a configured URL)
        return json.loads(resp.read().decode("utf-8") or "null")


def _openai_models(base_url: str, api_key: str | None, timeout: float) -> list[str]:
    data = _get_json(base_url.rstrip("/") + "/models", timeout, api_key)
    items = data.get("data", []) if isinstance(data, dict) else []
    return [str(m.get("id")) for m in items if isinstance(m, dict) and m.get("id")]


def build_chat_model(config: LLMConfig, *, check: bool = True, check_timeout: float = 3.0) -> Any:
    """A LangChain chat model for ``config``; raises :class:`LLMUnavailable` with a clear message.

    With ``check`` the server is asked for its model list first (openai-compatible, ollama), so an
    unreachable server is found at start-up rather than at the first question.
    """
    if config.backend not in BACKENDS:
        raise LLMUnavailable(
            f"CSC_LLM={config.backend!r} is not a known backend; use one of {', '.join(BACKENDS)}"
        )
    if config.backend == "openai-compatible":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise LLMUnavailable(
                f"CSC_LLM=openai-compatible needs langchain-openai ({exc.name} is not installed); "
                'install it with: pip install -e ".[llm]"'
            ) from exc
        if not config.base_url:
            raise LLMUnavailable(
                "CSC_LLM=openai-compatible needs CSC_LLM_BASE_URL (e.g. http://127.0.0.1:8000/v1)"
            )
        model = config.model
        if check or not model:
            try:
                listed = _openai_models(config.base_url, config.api_key, check_timeout)
            except (OSError, ValueError, urllib.error.URLError) as exc:
                raise LLMUnavailable(
                    f"the language model server at {config.base_url} is not reachable ({exc}); "
                    "is it running, and does CSC_LLM_BASE_URL end in /v1?"
                ) from exc
            if not model:
                if not listed:
                    raise LLMUnavailable(f"{config.base_url} lists no models; set CSC_LLM_MODEL")
                model = listed[0]
        return ChatOpenAI(
            base_url=config.base_url,
            model=model,
            api_key=config.api_key or "not-needed",
            temperature=config.temperature,
            max_completion_tokens=config.max_tokens,
            timeout=config.timeout,
            max_retries=1,
        )
    if config.backend == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise LLMUnavailable(
                f"CSC_LLM=ollama needs langchain-ollama ({exc.name} is not installed); "
                'install it with: pip install -e ".[llm]"'
            ) from exc
        if not config.model:
            raise LLMUnavailable("CSC_LLM=ollama needs CSC_LLM_MODEL (e.g. llama3.1:8b)")
        base = config.base_url or DEFAULT_OLLAMA_URL
        if check:
            try:
                _get_json(base.rstrip("/") + "/api/tags", check_timeout)
            except (OSError, ValueError, urllib.error.URLError) as exc:
                raise LLMUnavailable(
                    f"the Ollama server at {base} is not reachable ({exc}); is it running?"
                ) from exc
        return ChatOllama(
            model=config.model,
            base_url=base,
            temperature=config.temperature,
            num_predict=config.max_tokens,
            num_ctx=config.n_ctx,
        )
    # llamacpp: a GGUF file in process
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:
        raise LLMUnavailable(
            "CSC_LLM=llamacpp needs llama-cpp-python, which is not installed; "
            'install it with: pip install -e ".[llamacpp]"'
        ) from exc
    if not config.model_path:
        raise LLMUnavailable("CSC_LLM=llamacpp needs CSC_LLM_MODEL_PATH, the path of a .gguf file")
    if not Path(config.model_path).is_file():
        raise LLMUnavailable(f"CSC_LLM_MODEL_PATH={config.model_path} is not a file")
    return LlamaCppChat(
        model_path=config.model_path,
        temperature=config.temperature,
        max_tokens=config.max_tokens,
        n_ctx=config.n_ctx,
    )


def load_chat_model(backend: str | None = None, settings: Settings | None = None) -> Any:
    """The configured chat model, or ``None`` (not configured, or unusable: reported once).

    ``settings`` (default: read from the environment now) gives ``settings.llm``; ``backend``
    overrides its ``backend``.
    """
    config = LLMConfig.from_settings(settings, backend)
    if config is None:
        return None
    try:
        model = build_chat_model(config)
    except LLMUnavailable as exc:
        warn_once(f"language model unavailable, answering in extractive mode: {exc}")
        return None
    log.info("language model: %s", config.describe())
    return model


# ------------------------------------------------------------------------------------------------
# llama-cpp-python in process, as a LangChain chat model (no langchain-community needed)
# ------------------------------------------------------------------------------------------------
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _as_dicts(messages: list[BaseMessage]) -> list[dict]:
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LlamaCppChat(BaseChatModel):
    """A GGUF model run by ``llama_cpp.Llama`` in this process (loaded on first use, then kept)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    temperature: float = 0.0
    max_tokens: int = 400
    n_ctx: int = 4096
    _llama: Any = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llamacpp-gguf"

    def _model(self) -> Any:
        with self._load_lock:
            if self._llama is None:
                from llama_cpp import Llama

                self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, verbose=False)
            return self._llama

    def _params(self, stop: list[str] | None) -> dict:
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, "stop": stop or None}

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        out = self._model().create_chat_completion(messages=_as_dicts(messages), **self._params(stop))
        text = out["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        stream = self._model().create_chat_completion(
            messages=_as_dicts(messages), stream=True, **self._params(stop)
        )
        for part in stream:
            piece = part["choices"][0].get("delta", {}).get("content")
            if piece:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk


def stream_text(model: Any, messages: list) -> Iterator[str]:
    """The model's reply as text pieces, as they arrive (a model without streaming gives one piece)."""
    for chunk in model.stream(messages):
        content = getattr(chunk, "content", chunk)
        if isinstance(content, list):  # content blocks
            content = "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
        if content:
            yield str(content)
