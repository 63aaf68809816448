/**
 * The compiler (compiler_service.ts) in a worker thread of the kernel: it loads TypeScript on another
 * core while the kernel binds its sockets, answers kernel_info and loads deepdeck's runtime.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createCompilerService, type CompilerOptions, type CompilerRequest } from "./compiler_service";

export interface CompilerWorkerData extends CompilerOptions {
  /**
   * Start nothing until asked (the first request, or "warmUp"): the folder's first cell is likely kept, and
   * the thread running it should not share the cores with seconds of TypeScript meanwhile.
   */
  deferWarmUp?: boolean;
}

if (parentPort) {
  const port = parentPort;
  const data = workerData as CompilerWorkerData;
  const service = createCompilerService(data);
  port.on("message", (req: CompilerRequest) => port.postMessage(service.answer(req)));
  if (!data.deferWarmUp) service.warmUp();
  port.postMessage({ id: 0, result: "ready" });
}
