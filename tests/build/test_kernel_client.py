"""kernel_client.ReadyClient: ready without the IOPub flush, and still loses no output of the first cell."""
from __future__ import annotations

import asyncio

import pytest
from jupyter_client import KernelManager

pytestmark = pytest.mark.e2e


def _start() -> KernelManager:
    km = KernelManager(kernel_name="python3")
    km.client_class = "kg_metrics.build.kernel_client.ReadyClient"
    km.start_kernel()
    return km


async def _first_cell_output(km: KernelManager) -> str:
    """A fresh client: wait until ready, run one cell at once, collect its stream output on IOPub."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        msg_id = kc.execute("print('Kiên Giang 6,56%')")
        text = ""
        while True:
            msg = await kc.iopub_channel.get_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue  # e.g. the readiness check's own status messages
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return text
    finally:
        kc.stop_channels()


def test_a_new_client_on_a_kept_kernel_is_ready_and_gets_the_first_cells_output():
    km = _start()
    try:
        for _ in range(3):  # as the build does: one client per briefing, one kernel for all
            assert asyncio.run(_first_cell_output(km)) == "Kiên Giang 6,56%\n"
    finally:
        km.shutdown_kernel(now=True)


def test_waiting_on_a_dead_kernel_fails_instead_of_hanging():
    km = _start()
    kc = km.client()
    km.shutdown_kernel(now=True)

    async def wait() -> None:
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=30)
        finally:
            kc.stop_channels()

    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(wait())
