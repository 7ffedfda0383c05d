"""The one place that talks to durable-rules 2.0.28. Every known defect is guarded here.

durable-rules is unmaintained and has sharp edges (see docs/architecture.md, "durable-rules
guards"). What this module promises its callers: :meth:`DurableRules.fire` posts one fact in a
fresh session and returns the names of the rules that fired, or raises :class:`RuleEngineError`;
it never leaves a session alive, never runs a consequent on another thread, and never lets a
swallowed exception pass for a result.
"""

from __future__ import annotations

import copy
import itertools
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.compile.rules import MAX_FACT_FIELDS  # the compiler refuses such rulesets early
from engine.decimals import MAX_SCALED
from engine.errors import RuleEngineError

# durable.engine calls datetime.utcfromtimestamp on every firing, deprecated since Python 3.12.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"durable\.engine")

from durable import engine as _durable  # noqa: E402  (after the filter above)

#: durable-rules' C core keeps at most 1,024 live sessions per ruleset; we keep at most one.
MAX_LIVE_SESSIONS = 1
#: A ruleset with more than 512 rules makes ``set_rulesets`` hang forever.
MAX_RULES = 512

_RESERVED_FIELDS = ("sid", "id")


def fnv1a_32(text: str) -> int:
    """The hash durable-rules identifies fields, sids and fact ids by (and only by)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


class _SyncHost(_durable.Host):  # type: ignore[misc]
    """A Host without the timer threads that the stock one starts.

    The stock Host runs two ``threading.Timer`` chains that can take over consequents (results
    arrive after ``assert_fact`` returns) and race ``delete_state`` into a segfault. We need no
    timers, statecharts or async actions, so the dispatcher is simply not started.
    """

    def __init__(self, action_for: Callable[[str], Callable[[Any], None]]) -> None:
        self._action_for = action_for
        super().__init__()

    def _run(self) -> None:
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._action_for(action_name)


def _check_definition(name: str, rules: Mapping[str, Any]) -> None:
    if len(rules) > MAX_RULES:
        raise RuleEngineError(
            f"ruleset {name} has {len(rules)} rules; durable-rules takes {MAX_RULES}"
        )
    hashes: dict[int, str] = {fnv1a_32(f): f for f in _RESERVED_FIELDS}
    fields: set[str] = set()
    for rule in rules.values():
        fields |= _fields_of(rule.get("all", rule.get("any")))
    for field in sorted(fields):
        other = hashes.setdefault(fnv1a_32(field), field)
        if other != field:
            raise RuleEngineError(f"fields '{field}' and '{other}' collide in durable-rules' hash")


def _fields_of(node: Any) -> set[str]:
    """Every fact field a rule definition reads (keys under comparison operators and ``$m``)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$m" and isinstance(value, str):
                found.add(value)
            elif not key.startswith("$") and key not in ("all", "any", "m", "run"):
                found.add(key)
            found |= _fields_of(value)
    elif isinstance(node, list):
        for item in node:
            found |= _fields_of(item)
    return found


def _check_fact(fact: Mapping[str, Any]) -> None:
    """Only finite integers of safe size reach the engine: durable-rules compares strings as text,
    misreads some float spellings (``1e-05``) and rejects non-finite values."""
    if len(fact) > MAX_FACT_FIELDS:
        raise RuleEngineError(f"fact has {len(fact)} fields; durable-rules takes {MAX_FACT_FIELDS}")
    for key, value in fact.items():
        if type(value) is not int or not -MAX_SCALED <= value <= MAX_SCALED:
            raise RuleEngineError(f"fact field '{key}' is {value!r}, not a safe integer")


@dataclass(frozen=True)
class SessionStats:
    """What the adapter has done so far in this process (read by the load test and benchmark)."""

    sessions_opened: int
    live_sessions: int
    peak_live_sessions: int
    rules_fired: int


class DurableRules:
    """One durable-rules Host per process, one short-lived session per fact."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._host: _SyncHost | None = None
        self._registered: set[str] = set()
        self._sids = itertools.count()
        self._fired: list[str] | None = None
        self._live = 0
        self._peak_live = 0
        self._opened = 0
        self._rules_fired = 0

    def stats(self) -> SessionStats:
        with self._lock:
            return SessionStats(self._opened, self._live, self._peak_live, self._rules_fired)

    def _action_for(self, rule_name: str) -> Callable[[Any], None]:
        def record(c: Any) -> None:
            if self._fired is None:  # only possible if a consequent ran outside fire()
                raise RuleEngineError(f"rule {rule_name} fired outside an assessment")
            self._fired.append(rule_name)

        return record

    def _ensure_registered(self, name: str, rules: Mapping[str, Any]) -> _SyncHost:
        if self._host is None:
            self._host = _SyncHost(self._action_for)
        if name not in self._registered:
            _check_definition(name, rules)
            # set_rulesets deletes the 'run' keys of what it is given.
            self._host.set_rulesets({name: copy.deepcopy(dict(rules))})
            self._registered.add(name)
        return self._host

    def fire(self, name: str, rules: Mapping[str, Any], fact: Mapping[str, int]) -> list[str]:
        """Assert ``fact`` in a new session of ruleset ``name``; return the rules that fired."""
        _check_fact(fact)
        with self._lock:
            host = self._ensure_registered(name, rules)
            sid = f"s{next(self._sids)}"
            fired: list[str] = []
            self._fired = fired
            handled = False
            self._live += 1
            self._opened += 1
            self._peak_live = max(self._peak_live, self._live)
            try:
                if self._live > MAX_LIVE_SESSIONS:
                    raise RuleEngineError("more than one durable-rules session alive")
                try:
                    state = host.assert_fact(name, {**fact, "sid": sid})
                except _durable.MessageNotHandledException as exc:
                    raise RuleEngineError(f"no rule handled the fact in {name}") from exc
                except Exception as exc:  # durable_rules_engine.error, MemoryError and the like
                    # A MemoryError (the session limit) has no message: name the type too.
                    raise RuleEngineError(
                        f"durable-rules failed in {name}: {type(exc).__name__}: {exc}"
                    ) from exc
                handled = True
                self._rules_fired += len(fired)
                # Consequents' exceptions are swallowed into the session state.
                if isinstance(state, dict) and "exception" in state:
                    raise RuleEngineError(f"a rule action failed in {name}: {state['exception']}")
            finally:
                self._fired = None
                self._live -= 1
                # Deleting a session whose fact was never handled segfaults; the 'seen' rule
                # makes every fact handled, and an unhandled one is never deleted.
                if handled:
                    host.delete_state(name, sid)
            return fired


_ENGINE: DurableRules | None = None
_ENGINE_LOCK = threading.Lock()


def durable_rules() -> DurableRules:
    """The process-wide adapter (a Host per process: each Host leaks its C rulesets)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = DurableRules()
        return _ENGINE
