"""The output thread the app's thread may pass by (tui/key_driver.py): a key's frame is written at
once when nothing waits before it, and never ahead of what does."""

from __future__ import annotations

import threading
import time

from annotator.tui.key_driver import PromptWriter


class GatedFile:
    """A terminal that takes each write only once let (``gate``), noting who wrote what."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.parts: list[tuple[str, str]] = []  # (thread's name, text)
        self.flushes = 0

    def write(self, text: str) -> int:
        self.gate.wait(5)
        self.parts.append((threading.current_thread().name, text))
        return len(text)

    def flush(self) -> None:
        self.flushes += 1

    def fileno(self) -> int:
        return 2


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the output thread did not get there"
        time.sleep(0.001)


def test_a_frame_is_written_by_the_caller_when_nothing_is_queued_and_queued_behind_what_is():
    file = GatedFile()
    writer = PromptWriter(file)  # type: ignore[arg-type]
    writer.start()
    try:
        assert writer.write_now("a")  # nothing queued: written here, and flushed
        assert file.parts == [("MainThread", "a")] and file.flushes == 1
        file.gate.clear()  # the terminal is slow: "b" stays being written...
        writer.write("b")
        wait_for(lambda: writer._queue.empty())  # ...taken by the thread, not written yet
        assert not writer.write_now("c"), "passed ahead of a write still going on"
        started = time.monotonic()
        writer.write("c")  # queued, as Textual's thread does: not waiting for the slow terminal
        assert time.monotonic() - started < 1
        file.gate.set()
        wait_for(lambda: writer.written == writer.queued)
        assert [text for _, text in file.parts] == ["a", "b", "c"]
        assert [name for name, _ in file.parts[1:]] == ["textual-output"] * 2
        assert writer.write_now("d") and file.parts[-1] == ("MainThread", "d")
    finally:
        file.gate.set()
        writer.stop()
