/**
 * A warm compiler waiting for a kernel: the pool (src/project/compiler_pool.ts) forks it in a notebook folder as
 * `node compiler_process.js <socket>`. It loads TypeScript, compiles the warm-up cell, listens on the
 * socket, and tells the pool it is ready. The first kernel to connect gets it for its lifetime: it then
 * answers that kernel's requests only and exits when the kernel's connection closes.
 */
import { createServer } from "node:net";
import { compilerKey, compilerSetup } from "./kernel_modules";
import { createCompilerService, type CompilerRequest } from "./compiler_service";
import { onMessages, sendMessage, type SpareReport } from "../project/compiler_socket";

const socketPath = process.argv[2];
if (socketPath && process.send) {
  // Ctrl-C in the terminal of `deepdeck start` asks Jupyter whether to stop; a kernel's compiler stays.
  process.on("SIGINT", () => {});
  const setup = compilerSetup(process.cwd());
  const service = createCompilerService(setup);
  service.warmUp();
  let claimed = false;
  const server = createServer((socket) => {
    if (claimed) return void socket.destroy();
    claimed = true;
    server.close();
    // From now on this process belongs to the kernel, not to the pool.
    if (process.connected) process.disconnect();
    onMessages(socket, (req) => sendMessage(socket, service.answer(req as CompilerRequest)));
    socket.on("close", () => process.exit(0));
    socket.on("error", () => process.exit(0));
  });
  // A spare nobody took ends with the pool that made it.
  process.on("disconnect", () => {
    if (!claimed) process.exit(0);
  });
  server.listen(socketPath, () => process.send?.({ ready: compilerKey(setup) } satisfies SpareReport));
}
