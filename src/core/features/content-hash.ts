// A fast, pure-TypeScript 64-bit content hash (two independent 32-bit lanes: FNV-1a style and a
// murmur-style multiply-xorshift) for cache keys and file checksums. It is not cryptographic; it only
// has to make accidental collisions between datasets and feature configs vanishingly unlikely.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const MURMUR_SEED = 0x9747b28c;
const MURMUR_MULTIPLIER = 0x5bd1e995;

/**
 * Running hash state so large inputs can be fed in parts. The digest depends on how the input is cut
 * into `update` calls (each call hashes its whole words, then its tail bytes), so callers feed the
 * same parts in the same order; it does not depend on where the bytes sit in memory.
 */
export class ContentHasher {
  private laneA = FNV_OFFSET;
  private laneB = MURMUR_SEED;
  private length = 0;

  /** Feeds bytes, four at a time as little-endian 32-bit words, then the tail byte by byte. */
  update(bytes: Uint8Array): this {
    let a = this.laneA;
    let b = this.laneB;
    const wordCount = bytes.length >>> 2;
    if (bytes.byteOffset % 4 === 0) {
      // Fast path: read the words straight from the buffer (all supported platforms are little-endian).
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, wordCount);
      for (let i = 0; i < wordCount; i++) {
        const word = words[i];
        a = Math.imul(a ^ word, FNV_PRIME);
        a ^= a >>> 15;
        b = Math.imul(b ^ word, MURMUR_MULTIPLIER);
        b ^= b >>> 13;
      }
    } else {
      for (let i = 0; i < wordCount; i++) {
        const at = i * 4;
        const word = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
        a = Math.imul(a ^ word, FNV_PRIME);
        a ^= a >>> 15;
        b = Math.imul(b ^ word, MURMUR_MULTIPLIER);
        b ^= b >>> 13;
      }
    }
    for (let i = wordCount * 4; i < bytes.length; i++) {
      a = Math.imul(a ^ bytes[i], FNV_PRIME);
      b = Math.imul(b ^ bytes[i], MURMUR_MULTIPLIER);
      b ^= b >>> 13;
    }
    this.laneA = a;
    this.laneB = b;
    this.length += bytes.length;
    return this;
  }

  /** Feeds a string as UTF-8. */
  updateText(text: string): this {
    return this.update(new TextEncoder().encode(text));
  }

  /** 16 lowercase hex digits; the total length is mixed in. */
  digest(): string {
    let a = this.laneA ^ this.length;
    let b = this.laneB ^ Math.floor(this.length / 4294967296);
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    a ^= a >>> 16;
    b = Math.imul(b ^ (b >>> 16), 0x85ebca6b);
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    b ^= b >>> 16;
    b ^= a; // let each lane depend on the other
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

/** Hash of one or more byte arrays and strings, in order (strings as UTF-8, each part one `update`). */
export function contentHash(...parts: ReadonlyArray<Uint8Array | string>): string {
  const hasher = new ContentHasher();
  for (const part of parts) {
    if (typeof part === 'string') hasher.updateText(part);
    else hasher.update(part);
  }
  return hasher.digest();
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
