// Little-endian byte writing and bounds-checked reading for the checkpoint format: fixed-width
// numbers, LEB128 varints (zigzag for signed), UTF-8 strings and a CRC-32 for integrity. Reads past
// the end throw a CheckpointError that says where, so truncated files fail clearly.

/** A checkpoint that cannot be read; the message says why. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + bytes) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u16(value: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0, true);
    this.length += 4;
  }

  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** Unsigned integer up to 2^53 as LEB128. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint needs a non-negative safe integer, got ${value}`);
    this.reserve(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  /** Signed integer as zigzag LEB128. */
  signed(value: number): void {
    this.varint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  string(text: string): void {
    const encoded = new TextEncoder().encode(text);
    this.varint(encoded.length);
    this.bytes(encoded);
  }

  /** Writes a u32 at an earlier position (for lengths and checksums filled in last). */
  patchU32(position: number, value: number): void {
    this.view.setUint32(position, value >>> 0, true);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  /** The bytes written in [start, end), without copying. */
  written(start: number, end: number): Uint8Array {
    return this.buffer.subarray(start, end);
  }
}

export class ByteReader {
  private readonly bytesView: Uint8Array;
  private readonly view: DataView;
  offset: number;
  private readonly end: number;
  /** What is being read, for error messages. */
  section = 'header';

  constructor(bytes: Uint8Array, offset = 0, end = bytes.length) {
    this.bytesView = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
    this.end = end;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.end) {
      throw new CheckpointError(`checkpoint truncated or corrupt: reading ${this.section} needs ${bytes} byte(s) at offset ${this.offset}, but the data ends at ${this.end}`);
    }
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.bytesView[this.offset++];
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  f32(): number {
    this.need(4);
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 56; shift += 7) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new CheckpointError(`checkpoint corrupt: an integer in ${this.section} at offset ${this.offset} is too long`);
  }

  /** A varint that must not exceed `limit` (counts and sizes; guards against absurd allocations). */
  count(limit: number, what: string): number {
    const value = this.varint();
    if (value > limit) throw new CheckpointError(`checkpoint corrupt: ${what} in ${this.section} is ${value}, more than the possible ${limit}`);
    return value;
  }

  signed(): number {
    const value = this.varint();
    return value % 2 === 1 ? -(value + 1) / 2 : value / 2;
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const slice = this.bytesView.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  string(): string {
    const length = this.count(this.remaining, 'a string length');
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(length));
  }
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as in zip and PNG. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
