"""The kernel client the build gives papermill (nbclient): jupyter_client's async client, ready sooner.

``AsyncKernelClient.wait_for_ready`` ends by waiting until IOPub has been quiet for 0.2 s. nbclient
calls it for every notebook, so a kernel kept across briefings idled 0.2 s per briefing. The flush
is not needed: nbclient reads only the IOPub messages that answer its own requests (by parent id),
so a late status message of the readiness check is ignored. Readiness is checked as upstream does:
a ``kernel_info`` reply on shell, then one message on IOPub to prove that channel is connected.
Written by hand because jupyter_client has no option for it.
"""
from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient


class ReadyClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self._handle_kernel_info_reply(msg)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
