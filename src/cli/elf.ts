/**
 * The exported (defined, global or weak) dynamic symbols of an ELF shared library, read from its
 * `.dynsym` section. install-native checks TensorFlow's library with it instead of `nm -D`, which a
 * student's machine may lack (binutils), and whose output differs between versions.
 */
import { closeSync, openSync, readSync } from "node:fs";

function readAt(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, offset + done);
    if (n === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
    done += n;
  }
  return buf;
}

const SHT_DYNSYM = 11;
const STB_GLOBAL = 1;
const STB_WEAK = 2;

/** True when `file` starts with the ELF magic number. */
export function isElf(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    return readAt(fd, 0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The names of the symbols `file` defines and exports. Only 64-bit little-endian ELF (x86-64, arm64
 * Linux) is read; anything else throws, naming the format.
 */
export function exportedSymbols(file: string): Set<string> {
  if (!isElf(file)) throw new Error(`${file} is not an ELF file`);
  const fd = openSync(file, "r");
  try {
    const ident = readAt(fd, 0, 64);
    if (ident[4] !== 2 || ident[5] !== 1) throw new Error(`${file} is not a 64-bit little-endian ELF file`);
    const shoff = Number(ident.readBigUInt64LE(0x28));
    const shentsize = ident.readUInt16LE(0x3a);
    const shnum = ident.readUInt16LE(0x3c);
    const sections = readAt(fd, shoff, shentsize * shnum);
    const section = (i: number) => {
      const at = i * shentsize;
      return {
        type: sections.readUInt32LE(at + 4),
        offset: Number(sections.readBigUInt64LE(at + 0x18)),
        size: Number(sections.readBigUInt64LE(at + 0x20)),
        link: sections.readUInt32LE(at + 0x28),
        entsize: Number(sections.readBigUInt64LE(at + 0x38)),
      };
    };
    const names = new Set<string>();
    for (let i = 0; i < shnum; i++) {
      const dynsym = section(i);
      if (dynsym.type !== SHT_DYNSYM) continue;
      const strtab = section(dynsym.link);
      const strings = readAt(fd, strtab.offset, strtab.size);
      const symbols = readAt(fd, dynsym.offset, dynsym.size);
      const entsize = dynsym.entsize || 24;
      for (let at = 0; at + entsize <= symbols.length; at += entsize) {
        const nameOffset = symbols.readUInt32LE(at);
        const binding = symbols[at + 4]! >> 4;
        const shndx = symbols.readUInt16LE(at + 6);
        // Section index 0 is an undefined symbol: one the library imports rather than provides.
        if (shndx === 0 || (binding !== STB_GLOBAL && binding !== STB_WEAK)) continue;
        const end = strings.indexOf(0, nameOffset);
        names.add(strings.toString("latin1", nameOffset, end < 0 ? strings.length : end));
      }
    }
    return names;
  } finally {
    closeSync(fd);
  }
}
