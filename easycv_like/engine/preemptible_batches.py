"""The one way our loops fetch batches, so a preemption signal is acted on between iterations.

After every fetch attempt (the final, exhausted one included, so every rank agrees equally
often) the ranks agree on whether a signal arrived or a fetch failed. A signal wins: the
``PreemptionHook`` saves the state after the last completed iteration and exits, even when the
fetch failed because the loader workers were killed with us (schedulers signal the whole
process group). A failed fetch without a signal is re-raised, and the other ranks stop with an
error instead of waiting forever in the next collective.
"""
from typing import Iterable, Iterator, Optional

from mmengine.dist import get_world_size

from .hooks.preemption_hook import PreemptionHook

_EXHAUSTED = object()


def _preemption_hook(runner) -> Optional[PreemptionHook]:
    hook = next((h for h in runner.hooks if isinstance(h, PreemptionHook)), None)
    return hook if hook is not None and hook.armed else None


def preemptible_batches(runner, loader: Iterable) -> Iterator:
    """Yield the batches of ``loader`` (a DataLoader or an iterator over one), checking for
    preemption after each fetch while training runs (plain iteration otherwise)."""
    hook = _preemption_hook(runner)
    iterator = iter(loader)
    if hook is None:
        yield from iterator
        return
    hook.track(iterator)
    try:
        while True:
            error = None
            if hook.received and get_world_size() == 1:
                batch = _EXHAUSTED  # a single process needs no more data: do not wait for it
            else:
                try:
                    batch = next(iterator)
                except StopIteration:
                    batch = _EXHAUSTED
                except Exception as err:  # noqa: BLE001  decided below, with the other ranks
                    error, batch = err, _EXHAUSTED
            signum, any_failed = hook.agree(fetch_failed=error is not None)
            if signum:
                hook.preempt(runner, signum)
            if error is not None:
                raise error
            if any_failed:
                raise RuntimeError('The data loader of another rank failed (see its log); '
                                   'stopping this rank too.')
            if batch is _EXHAUSTED:
                return
            yield batch
    finally:
        hook.untrack(iterator)
