#!/usr/bin/env python3
"""Execute a notebook with a Jupyter kernel through nbclient and record what the kernel sent.

deepdeck's one executor of notebook code (tests, and later the deck's knit step): a real Jupyter
client (Debian's python3-nbclient), so what passes here passes in Jupyter. Besides the executed
notebook, it writes a JSON log of the iopub messages of every cell (type, display_id, MIME types),
because the stored notebook folds update_display_data into the output it updates.

Usage: run_notebook.py INPUT.ipynb OUTPUT.ipynb LOG.json [--kernel NAME] [--timeout S] [--allow-errors] [--cwd DIR]
"""
import argparse
import json
import os
import sys

try:
    import nbformat
    from nbclient import NotebookClient
except ImportError:
    sys.stderr.write(
        "run_notebook.py needs nbclient and nbformat: sudo apt-get install python3-nbclient "
        "jupyter-nbconvert (or: pip install nbclient)\n")
    sys.exit(3)


class RecordingClient(NotebookClient):
    """A NotebookClient that keeps a log of the iopub messages each cell received."""

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.message_log = {}

    def process_message(self, msg, cell, cell_index):
        kind = msg["msg_type"]
        if kind not in ("status", "execute_input"):
            content = msg.get("content", {})
            entry = {"msg_type": kind}
            if "data" in content:
                entry["mime_types"] = sorted(content["data"].keys())
            display_id = content.get("transient", {}).get("display_id")
            if display_id:
                entry["display_id"] = display_id
            if kind == "stream":
                entry["name"] = content.get("name")
            if kind == "error":
                entry["ename"] = content.get("ename")
            self.message_log.setdefault(cell_index, []).append(entry)
        return super().process_message(msg, cell, cell_index)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("log")
    ap.add_argument("--kernel", default="deepdeck")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--allow-errors", action="store_true")
    ap.add_argument("--cwd", help="directory the kernel runs in (default: the notebook's)")
    args = ap.parse_args()

    nb = nbformat.read(args.input, as_version=4)
    client = RecordingClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=args.allow_errors,
        resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.input))}},
    )
    status = 0
    error = None
    try:
        client.execute()
    except Exception as e:  # report, and still write what ran
        status = 1
        error = "%s: %s" % (type(e).__name__, e)
        sys.stderr.write(error + "\n")
    tmp = args.output + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, args.output)
    log = {"error": error, "cells": {str(k): v for k, v in client.message_log.items()}}
    with open(args.log + ".tmp", "w") as f:
        json.dump(log, f, indent=1)
    os.replace(args.log + ".tmp", args.log)
    sys.exit(status)


if __name__ == "__main__":
    main()
