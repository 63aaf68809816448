/**
 * Two fixes to tslab's kernel, applied by deepdeck's kernel launcher without forking tslab:
 * - tslab ignores `stop_on_error: false` and cancels every cell sent in the 200 ms after an error,
 *   so a client that keeps going after an error (nbclient with allow_errors, a knit step that shows
 *   an error on purpose) loses the following cells. We honour the flag.
 * - a promise a cell rejects without handling is reported by tslab after the cell has finished, when
 *   its output no longer reaches the cell; we let Node report pending rejections before the cell ends.
 * test/tslab.test.ts fails if the tslab internals used here change.
 */

interface TaskQueue {
  reset(delay?: number): void;
}
interface ExecuteRequest {
  stop_on_error?: boolean;
}
interface HandlerPrototype {
  handleExecuteImpl: (this: Handler, req: ExecuteRequest, ...rest: unknown[]) => Promise<unknown>;
  __deepdeckPatched?: boolean;
}
interface Handler {
  execQueue: TaskQueue & { __deepdeckResetNow?: boolean; __deepdeckWrapped?: boolean };
}

/** Patch tslab's JupyterHandlerImpl (from tslab/dist/jupyter.js). Idempotent. */
export function patchTslabHandler(jupyterModule: { JupyterHandlerImpl: { prototype: HandlerPrototype } }): void {
  const proto = jupyterModule.JupyterHandlerImpl.prototype;
  if (proto.__deepdeckPatched) return;
  if (typeof proto.handleExecuteImpl !== "function")
    throw new Error(
      "deepdeck: tslab's JupyterHandlerImpl.handleExecuteImpl is gone; the kernel patches need updating.",
    );
  proto.__deepdeckPatched = true;
  const original = proto.handleExecuteImpl;
  proto.handleExecuteImpl = async function (this: Handler, req: ExecuteRequest, ...rest: unknown[]) {
    const queue = this.execQueue;
    if (!queue.__deepdeckWrapped) {
      queue.__deepdeckWrapped = true;
      const reset = queue.reset.bind(queue);
      // After a failed cell tslab resets its queue 200 ms later, cancelling what arrives meanwhile.
      queue.reset = (delay?: number) => {
        if (queue.__deepdeckResetNow) {
          queue.__deepdeckResetNow = false;
          reset();
        } else {
          reset(delay);
        }
      };
    }
    try {
      return await original.call(this, req, ...rest);
    } catch (e) {
      if (req.stop_on_error === false) queue.__deepdeckResetNow = true;
      throw e;
    } finally {
      // Node emits 'unhandledRejection' once the microtask queue drains; one macrotask later it has.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}
