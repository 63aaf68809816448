/** Messages of the backend wing: choosing a TensorFlow.js backend and deepdeck's kernels. */
export const backend = {
  badBackendName: (value: string, allowed: readonly string[]) =>
    `DEEPDECK_BACKEND=${value} is not a backend deepdeck knows; use one of ${allowed.join(", ")}.`,
  backendUnavailable: (name: string, why: string) =>
    `The backend ${JSON.stringify(name)} asked for by DEEPDECK_BACKEND is not available: ${why}`,
  badWasmThreads: (value: string, max: number) =>
    `DEEPDECK_WASM_THREADS=${value} is not a thread count; use a whole number from 1 (the single-threaded build, the default) to ${max}.`,
  badConvTensor: (fn: string, arg: string, shape: readonly number[]) =>
    `${fn}: ${arg} must be a 4-D tensor [batch, height, width, channels] (a filter: [height, width, in, out]), received shape [${shape.join(", ")}].`,
  badConvArgument: (fn: string, arg: string, value: string, expected: string) =>
    `${fn}: ${arg} must be ${expected}, received ${value}.`,
  noBackend: () => "No TensorFlow.js backend could start, not even cpu.",
  gatherIndexOutOfRange: (index: number, dim: number) => `GatherV2: the index value ${index} is not in [0, ${dim - 1}]`,
  /** A deepdeck kernel called on a backend it was not registered for, with no stock kernel to fall back to. */
  kernelBackendOnly: (kernelName: string, backendName: string) =>
    `${kernelName}: deepdeck's kernel runs on the ${backendName} backend only.`,
  channelsLastOnly: (kernel: string, backendName: string) =>
    `${kernel} on ${backendName}: only NHWC (channels last) data is supported.`,
  nativeRotateFill: (fill: readonly number[]) =>
    `tf.image.rotateWithOffset on the node backend fills with one value for every channel, received [${fill.join(", ")}]; pass a single number, or use the wasm backend.`,
  nativeAdamBackend: (active: string) =>
    `This Adam optimizer was made on the node backend and keeps its state in TensorFlow, but the active backend is ${active}; compile the model again (optimizer: "adam") after tf.setBackend.`,
} as const;
