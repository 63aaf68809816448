#!/usr/bin/env python3
"""Drive one session of a Jupyter kernel over ZeroMQ with jupyter_client and record what it sent.

The kernel is started the way Jupyter starts it (KernelManager, the registered kernelspec), and every
request goes over the real wire protocol, so what passes here is what the front-ends and nbclient see.

Usage: kernel_session.py OUTPUT.json < SESSION.json

Reads a JSON session description on stdin:
  {"kernel": "deepdeck", "cwd": "/some/folder", "timeout": 60,
   "steps": [{"type": "execute", "code": "6 * 7"}, {"type": "complete", "code": "dd.", "cursor_pos": 3},
             {"type": "inspect", "code": "...", "cursor_pos": 2}, {"type": "is_complete", "code": "..."},
             {"type": "history", "hist_access_type": "tail", "n": 10}, {"type": "sleep", "seconds": 0.1},
             {"type": "execute", "code": "while (true) {}", "interrupt_after": 1}]}
Writes JSON to OUTPUT.json (not stdout: the kernel inherits stdout, and a Node kernel makes it non-blocking): {"timing": {"ready": s, "steps": [s, ...], "cpu": s, "main_wait": s}, "results": [{"reply": {...}, "iopub": [...]}]}
where times are seconds since the kernel was asked to start, "cpu" the kernel process's CPU time after the
steps, "main_wait" the time its main thread was runnable but waiting for a CPU (Linux only: /proc), and each
iopub entry is {"msg_type", "content"}.
"""
import json
import os
import sys
import time

try:
    from jupyter_client.manager import KernelManager
except ImportError:
    sys.stderr.write(
        "kernel_session.py needs jupyter_client: sudo apt-get install python3-jupyter-client "
        "(or: pip install jupyter_client)\n")
    sys.exit(3)


def request(kc, step):
    kind = step["type"]
    if kind == "execute":
        return kc.execute(step["code"], silent=step.get("silent", False),
                          store_history=step.get("store_history", True),
                          stop_on_error=step.get("stop_on_error", True))
    if kind == "complete":
        return kc.complete(step["code"], step.get("cursor_pos"))
    if kind == "inspect":
        return kc.inspect(step["code"], step.get("cursor_pos"), step.get("detail_level", 0))
    if kind == "is_complete":
        return kc.is_complete(step["code"])
    if kind == "history":
        args = {k: v for k, v in step.items() if k != "type"}
        return kc.history(**args)
    if kind == "kernel_info":
        return kc.kernel_info()
    raise ValueError("unknown step type %r" % kind)


def collect(kc, msg_id, timeout):
    """The shell reply to msg_id and the iopub messages it caused, up to its idle status."""
    deadline = time.monotonic() + timeout
    reply = None
    iopub = []
    idle = False
    while reply is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            return {"reply": reply, "iopub": iopub, "timed_out": True}
        if reply is None:
            try:
                msg = kc.get_shell_msg(timeout=min(left, 0.05))
                if msg["parent_header"].get("msg_id") == msg_id:
                    reply = {"msg_type": msg["msg_type"], "content": msg["content"]}
            except Exception:  # queue.Empty
                pass
        try:
            while True:
                msg = kc.get_iopub_msg(timeout=0.01 if reply is None or idle else min(max(left, 0.01), 0.05))
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
                    break
                if msg["msg_type"] != "status":
                    iopub.append({"msg_type": msg["msg_type"], "content": msg["content"]})
        except Exception:  # queue.Empty
            pass
    return {"reply": reply, "iopub": iopub}


def kernel_cpu_seconds(km):
    """The kernel process's CPU time so far (user + system, all its threads), where /proc tells it (Linux)."""
    try:
        pid = km.provisioner.process.pid
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, ValueError, IndexError):
        return None


def main_thread_wait_seconds(km):
    """How long the kernel's main thread waited on a run queue so far (schedstat's second field), where /proc has it."""
    try:
        pid = km.provisioner.process.pid
        with open("/proc/%d/task/%d/schedstat" % (pid, pid)) as f:
            return int(f.read().split()[1]) / 1e9
    except (AttributeError, OSError, ValueError, IndexError):
        return None


def main():
    session = json.load(sys.stdin)
    timeout = session.get("timeout", 60)
    t0 = time.monotonic()
    km = KernelManager(kernel_name=session.get("kernel", "deepdeck"))
    km.start_kernel(cwd=session.get("cwd"))
    out = {"timing": {"steps": []}, "results": []}
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=timeout)
        out["timing"]["ready"] = time.monotonic() - t0
        for step in session["steps"]:
            if step["type"] == "sleep":
                time.sleep(step["seconds"])
                out["results"].append(None)
            else:
                msg_id = request(kc, step)
                if "interrupt_after" in step:
                    # As a front-end's interrupt button: SIGINT through the KernelManager (interrupt_mode signal).
                    time.sleep(step["interrupt_after"])
                    km.interrupt_kernel()
                out["results"].append(collect(kc, msg_id, step.get("timeout", timeout)))
            out["timing"]["steps"].append(time.monotonic() - t0)
        cpu = kernel_cpu_seconds(km)
        if cpu is not None:
            out["timing"]["cpu"] = cpu
        wait = main_thread_wait_seconds(km)
        if wait is not None:
            out["timing"]["main_wait"] = wait
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    with open(sys.argv[1] + ".tmp", "w") as f:
        json.dump(out, f)
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])


if __name__ == "__main__":
    main()
