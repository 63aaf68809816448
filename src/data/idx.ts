/**
 * The IDX format of MNIST and Fashion-MNIST (big-endian header: two zero bytes, a type code, the number
 * of dimensions, each dimension as uint32; then the values), raw or gzip-compressed.
 */
import { gunzipSync } from "node:zlib";
import { messages } from "../messages";

/** The element types IDX files can hold, by their type code. */
const idxTypes: Record<number, { name: string; bytes: number }> = {
  0x08: { name: "uint8", bytes: 1 },
  0x09: { name: "int8", bytes: 1 },
  0x0b: { name: "int16", bytes: 2 },
  0x0c: { name: "int32", bytes: 4 },
  0x0d: { name: "float32", bytes: 4 },
  0x0e: { name: "float64", bytes: 8 },
};

/** The contents of an IDX file: its shape and values (uint8 files keep their bytes, without a copy). */
export interface IdxArray {
  type: string;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** Whether bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompress gzip bytes, naming the file when they are damaged. */
export function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(messages.notGzip(file, (e as Error).message));
  }
}

/** Parse an IDX file's bytes (gzip-compressed or raw). `file` names it in errors. */
export function parseIdx(input: Uint8Array, file: string): IdxArray {
  const bytes = isGzip(input) ? gunzip(input, file) : input;
  if (bytes.length < 4) throw new Error(messages.idxTooShort(file, bytes.length));
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(messages.idxBadMagic(file, bytes[0]!, bytes[1]!));
  }
  const type = idxTypes[bytes[2]!];
  if (!type) throw new Error(messages.idxUnknownType(file, bytes[2]!, Object.keys(idxTypes).map(Number)));
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(messages.idxHeaderTruncated(file, bytes.length, headerBytes));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    throw new Error(messages.idxSizeMismatch(file, shape, type.name, expected, bytes.length));
  }
  const body = bytes.subarray(headerBytes);
  return { type: type.name, shape, data: typedValues(type.name, body, count, view, headerBytes) };
}

function typedValues(type: string, body: Uint8Array, count: number, view: DataView, offset: number): IdxArray["data"] {
  switch (type) {
    case "uint8":
      return body;
    case "int8":
      return new Int8Array(body.buffer, body.byteOffset, count);
    default: {
      // Multi-byte IDX values are big-endian; read them one by one.
      const out =
        type === "int16"
          ? new Int16Array(count)
          : type === "int32"
            ? new Int32Array(count)
            : type === "float32"
              ? new Float32Array(count)
              : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        out[i] =
          type === "int16"
            ? view.getInt16(offset + 2 * i)
            : type === "int32"
              ? view.getInt32(offset + 4 * i)
              : type === "float32"
                ? view.getFloat32(offset + 4 * i)
                : view.getFloat64(offset + 8 * i);
      }
      return out;
    }
  }
}

/** Encode an IDX file (used by tests and tools to write small fixtures). */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  out.set([0, 0, 0x08, shape.length]);
  const view = new DataView(out.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
