"""A TCP proxy the tests control: it forwards 127.0.0.1:<port> to a database server and can
be cut (every connection closed, new ones refused) and restored, to take the database away
from a running desk and give it back.

It runs its own asyncio loop in a daemon thread; every method is called from the test's
thread. Also usable by hand: ``python tests/tcpproxy.py 6543 127.0.0.1 5432`` forwards until
Ctrl+C, Enter cuts or restores.
"""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
from typing import Any


class TcpProxy:
    """Forward ``listen_port`` (0: a free one) on 127.0.0.1 to ``target_host:target_port``.

    Args:
        target_host: Where the database server listens.
        target_port: Its port.
        listen_port: The proxy's port (0 picks a free one, see :attr:`port`).
    """

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432,
                 listen_port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = listen_port or _free_port()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._commit_trap: bool | None = None  # None: off; True/False: forward the COMMIT?
        self._hold = False
        #: How many connections the proxy has accepted so far.
        self.accepted = 0
        #: How many connections a commit trap cut.
        self.trapped = 0
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcpproxy", daemon=True)
        self._thread.start()

    # -- control (from any thread) --------------------------------------------------------------

    def start(self) -> TcpProxy:
        """Start listening."""
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Close every connection and refuse new ones (the database is gone)."""
        self._call(self._cut())

    def restore(self) -> None:
        """Accept connections again (the database is back)."""
        self._call(self._listen())

    def trap_commit(self, forward: bool, *, hold: bool = False) -> None:
        """Cut the next connection that sends COMMIT (one time; other connections go on).

        Args:
            forward: True: the COMMIT reaches the server (the change lands) and its answer is
                thrown away; False: the COMMIT is dropped (the change does not land). Either
                way the client loses its connection in the middle of the commit.
            hold: With ``forward`` False: the server's side stays open (as when a network
                breaks without a word), its transaction left open until :meth:`cut`.
        """
        self._commit_trap = forward
        self._hold = hold

    def close(self) -> None:
        """Cut everything and stop the proxy's thread."""
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    @property
    def open_connections(self) -> int:
        """Connections currently forwarded."""
        return len(self._pairs)

    def url(self, url: str) -> str:
        """``url`` (a postgresql:// URL) with its host and port replaced by the proxy's."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(url)
        auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{self.port}"))

    # -- the loop -------------------------------------------------------------------------------

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port,
                                                      reuse_address=True)

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for pair in list(self._pairs):
            _close(pair)
        self._pairs.clear()

    async def _accept(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            s_reader, s_writer = await asyncio.open_connection(*self.target)
        except OSError:
            c_writer.close()
            return
        pair = (c_writer, s_writer)
        self._pairs.add(pair)
        state = {"committing": False, "hold": False}
        await asyncio.gather(self._pump(c_reader, s_writer, pair, state, upstream=True),
                             self._pump(s_reader, c_writer, pair, state, upstream=False),
                             return_exceptions=True)
        self._pairs.discard(pair)
        _close(pair)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
                    state: dict[str, bool], *, upstream: bool) -> None:
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if upstream and self._commit_trap is not None and b"COMMIT" in data.upper():
                    forward, self._commit_trap = self._commit_trap, None
                    self.trapped += 1
                    if not forward:
                        state["hold"] = self._hold
                        break  # the COMMIT never reaches the server
                    state["committing"] = True
                elif not upstream and state["committing"]:
                    break  # the server committed; its answer is lost
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            _close(pair[:1] if state["hold"] else pair)


def _close(pair: tuple[asyncio.StreamWriter, ...]) -> None:
    for writer in pair:
        try:
            writer.close()
        except Exception:  # noqa: BLE001
            pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> None:
    """Forward by hand: ``tcpproxy.py LISTEN_PORT [HOST PORT]``; Enter cuts / restores."""
    listen = int(argv[1]) if len(argv) > 1 else 6543
    host = argv[2] if len(argv) > 2 else "127.0.0.1"
    port = int(argv[3]) if len(argv) > 3 else 5432
    proxy = TcpProxy(host, port, listen).start()
    up = True
    print(f"127.0.0.1:{listen} -> {host}:{port}; Enter cuts or restores, Ctrl+C ends", flush=True)
    try:
        for _ in sys.stdin:
            if up:
                proxy.cut()
            else:
                proxy.restore()
            up = not up
            print("restored" if up else "cut", flush=True)
    except KeyboardInterrupt:
        pass
    proxy.close()


if __name__ == "__main__":
    main(sys.argv)
