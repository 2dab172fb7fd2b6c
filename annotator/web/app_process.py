"""The entry point of a browser session's app process: ``python -m annotator.web.app_process ARGS``
runs ``annotator ARGS`` (an annotate or review command built by ``launch.session_command``), and ends
it if the server that started it goes away.

Textual's web driver keeps an app running when its input closes, so a server killed outright (kill -9,
out of memory) would leave its sessions' apps behind. A daemon thread here watches the parent and
ends the process once it is gone; every action the app showed as saved is already committed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PARENT_POLL_S = 0.5
EXIT_GRACE_S = 5.0


def watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os.kill(os.getpid(), signal.SIGTERM)  # Textual's web driver exits the app on SIGTERM
        time.sleep(EXIT_GRACE_S)
        os._exit(1)  # it did not: there is nothing left to save, so end it here

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main() -> int:
    watch_parent(os.getppid())
    from annotator.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
