/**
 * NumPy's .npy format (and .npz, a zip of them), for Keras's `mnist.npz`: a magic string, a version,
 * a Python-dict header with dtype, order and shape, then the values.
 */
import { unzipSync } from "fflate";
import { messages } from "../messages";

export interface NpyArray {
  dtype: string;
  shape: number[];
  data: Uint8Array | Int32Array | Float32Array | Float64Array;
}

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new Error(messages.npyNoMagic(file));
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw new Error(messages.npyHeaderTruncated(file, bytes.length, start));
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLength > bytes.length)
    throw new Error(messages.npyHeaderTruncated(file, bytes.length, start + headerLength));
  const header = new TextDecoder("latin1").decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === "True";
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new Error(messages.npyBadHeader(file, header));
  if (fortran) throw new Error(messages.npyFortranOrder(file));
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.slice(start + headerLength);
  const sizes: Record<string, number> = { "|u1": 1, "<u1": 1, "<i4": 4, "<i8": 8, "<f4": 4, "<f8": 8 };
  const size = sizes[descr];
  if (!size) throw new Error(messages.npyDtype(file, descr));
  if (body.length !== count * size) throw new Error(messages.npyTruncated(file, shape, count * size, body.length));
  switch (descr) {
    case "|u1":
    case "<u1":
      return { dtype: "uint8", shape, data: body };
    case "<i4":
      return { dtype: "int32", shape, data: new Int32Array(body.buffer, 0, count) };
    case "<i8": {
      const wide = new BigInt64Array(body.buffer, 0, count);
      return { dtype: "int32", shape, data: Int32Array.from(wide, (v) => Number(v)) };
    }
    case "<f4":
      return { dtype: "float32", shape, data: new Float32Array(body.buffer, 0, count) };
    default:
      return { dtype: "float64", shape, data: new Float64Array(body.buffer, 0, count) };
  }
}

/** The arrays of an .npz file, by name without `.npy`. */
export function parseNpz(bytes: Uint8Array, file: string): Record<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new Error(messages.npzInvalid(file, (e as Error).message));
  }
  const out: Record<string, NpyArray> = {};
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith(".npy")) out[name.slice(0, -4)] = parseNpy(data, `${file}:${name}`);
  }
  return out;
}
