"""The decode gate shared by live streams: finals first, partials never queue and never hog the engine."""

from __future__ import annotations

import threading
import time

from speech.streaming import DecodeGate, gate_for


def test_a_partial_is_refused_while_the_engine_is_busy_and_while_a_final_waits():
    gate = DecodeGate()
    holding, release = threading.Event(), threading.Event()
    order = []

    def final(name):
        with gate.final():
            order.append(name)
            holding.set()
            release.wait(5)

    first = threading.Thread(target=final, args=("first final",))
    first.start()
    holding.wait(5)
    with gate.partial() as granted:
        assert not granted  # busy: skipped, not queued
    second = threading.Thread(target=final, args=("second final",))
    second.start()
    time.sleep(0.05)
    release.set()
    first.join(5)
    second.join(5)
    assert order == ["first final", "second final"]


def test_partials_rest_as_long_as_the_last_one_took():
    gate = DecodeGate()
    with gate.partial() as granted:
        assert granted
        time.sleep(0.2)
    with gate.partial() as granted:
        assert not granted  # within the rest after a 0.2 s partial
    time.sleep(0.25)
    with gate.partial() as granted:
        assert granted


def test_streams_on_one_engine_share_one_gate():
    class Engine:
        pass

    engine, other = Engine(), Engine()
    assert gate_for(engine) is gate_for(engine)
    assert gate_for(engine) is not gate_for(other)
