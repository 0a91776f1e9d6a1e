// Parser for `ioreg -r -d 1 -w 0 -c IOAccelerator` on macOS: the IOKit registry entries of the
// GPUs, whose `PerformanceStatistics` dictionary carries utilisation and memory without sudo.
// Values are read by key inside that dictionary only (Device, Renderer and Tiler utilisation sit
// side by side, so reading by position or by a whole-text search would silently pick another one).
import { blankGpuDevice, nonNegativeOrNull, percentOrNull, quoteOutput, unavailableGpu, type GpuReading } from './gpu-reading.ts';
import type { GpuDeviceSample } from '../../shared/system.ts';

export const ioregCommand = '/usr/sbin/ioreg';
export const ioregArguments = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] as const;

/** Binary data as ioreg prints it: `<6b100000>` (hex) or `<"text">`. */
export class IoregData {
  readonly data: string;
  constructor(data: string) {
    this.data = data;
  }
}
export type IoregValue = string | number | boolean | IoregData | IoregValue[] | { [key: string]: IoregValue };

interface IoregEntry {
  /** The IOKit class from the `+-o Name  <class X, ...>` header, when there is one. */
  className: string | null;
  properties: Map<string, IoregValue>;
}

export function parseIoregAccelerator(text: string): GpuReading {
  const entries = parseIoregEntries(text);
  const devices: GpuDeviceSample[] = [];
  for (const entry of entries) {
    const statistics = entry.properties.get('PerformanceStatistics');
    if (!isDictionary(statistics)) continue;
    const device = blankGpuDevice(devices.length);
    const model = entry.properties.get('model');
    device.name = typeof model === 'string' ? model : model instanceof IoregData ? model.data : null;
    device.utilizationPercent = percentOrNull(statistics['Device Utilization %']);
    device.rendererUtilizationPercent = percentOrNull(statistics['Renderer Utilization %']);
    device.tilerUtilizationPercent = percentOrNull(statistics['Tiler Utilization %']);
    device.memoryUsedBytes = nonNegativeOrNull(statistics['In use system memory']);
    device.memoryAllocatedBytes = nonNegativeOrNull(statistics['Alloc system memory']);
    const cores = nonNegativeOrNull(entry.properties.get('gpu-core-count'));
    device.coreCount = cores !== null && Number.isInteger(cores) ? cores : null;
    devices.push(device);
  }
  if (devices.length > 0) return { available: true, source: 'ioreg', devices };
  if (text.trim() === '') return unavailableGpu('ioreg', 'ioreg listed no IOAccelerator (no GPU registered with IOKit)');
  if (entries.length === 0) return unavailableGpu('ioreg', `ioreg output not understood: ${quoteOutput(text)}`);
  return unavailableGpu('ioreg', `ioreg listed ${entries.length} IOAccelerator ${entries.length === 1 ? 'entry' : 'entries'} but none has PerformanceStatistics`);
}

/** Splits the listing into entries (one per `+-o` header) and reads each `"key" = value` line. */
export function parseIoregEntries(text: string): IoregEntry[] {
  const entries: IoregEntry[] = [];
  let current: IoregEntry | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    // Tree drawing (`|`, spaces) precedes both headers and properties when depth > 1.
    const line = rawLine.replace(/^[\s|]*/, '');
    if (line.startsWith('+-o ')) {
      current = { className: /<class ([^,>\s]+)/.exec(line)?.[1] ?? null, properties: new Map() };
      entries.push(current);
      continue;
    }
    const property = /^"((?:[^"\\]|\\.)*)"\s*=\s*(.*)$/.exec(line);
    if (!property) continue;
    if (!current) {
      // Output cut before its header still carries usable properties.
      current = { className: null, properties: new Map() };
      entries.push(current);
    }
    const value = parseIoregValue(property[2]);
    if (value !== undefined) current.properties.set(property[1], value);
  }
  return entries;
}

/** Parses one property value; undefined when the text is not a well-formed value. */
export function parseIoregValue(text: string): IoregValue | undefined {
  const reader = new ValueReader(text);
  try {
    const value = reader.value();
    reader.skipSpace();
    return reader.atEnd() ? value : undefined;
  } catch {
    // Malformed values are expected in garbage output; the caller treats the key as absent.
    return undefined;
  }
}

function isDictionary(value: IoregValue | undefined): value is { [key: string]: IoregValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof IoregData);
}

/** A recursive-descent reader over ioreg's CoreFoundation-like value syntax. */
class ValueReader {
  private position = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position])) this.position++;
  }

  value(): IoregValue {
    this.skipSpace();
    const char = this.text[this.position];
    if (char === '"') return this.string();
    if (char === '{') return this.dictionary();
    if (char === '(') return this.array();
    if (char === '<') return this.data();
    return this.bare();
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at column ${this.position + 1}`);
  }

  private string(): string {
    let result = '';
    this.position++;
    while (this.position < this.text.length) {
      const char = this.text[this.position++];
      if (char === '"') return result;
      if (char === '\\' && this.position < this.text.length) result += this.text[this.position++];
      else result += char;
    }
    return this.fail('unterminated string');
  }

  private dictionary(): { [key: string]: IoregValue } {
    const result: { [key: string]: IoregValue } = {};
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') this.fail('expected a quoted key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.position] !== '=') this.fail('expected =');
      this.position++;
      result[key] = this.value();
      this.skipSpace();
      const separator = this.text[this.position++];
      if (separator === '}') return result;
      if (separator !== ',') this.fail('expected , or }');
    }
  }

  private array(): IoregValue[] {
    const result: IoregValue[] = [];
    this.position++;
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      const separator = this.text[this.position++];
      if (separator === ')') return result;
      if (separator !== ',') this.fail('expected , or )');
    }
  }

  private data(): IoregData {
    this.position++;
    let data: string;
    if (this.text[this.position] === '"') {
      data = this.string();
    } else {
      const end = this.text.indexOf('>', this.position);
      if (end < 0) this.fail('unterminated data');
      data = this.text.slice(this.position, end);
      this.position = end;
    }
    if (this.text[this.position] !== '>') this.fail('expected >');
    this.position++;
    return new IoregData(data);
  }

  private bare(): number | boolean {
    const match = /^[^\s,})=]+/.exec(this.text.slice(this.position));
    if (!match) return this.fail('expected a value');
    this.position += match[0].length;
    if (match[0] === 'Yes') return true;
    if (match[0] === 'No') return false;
    const number = Number(match[0]);
    if (!Number.isFinite(number) || !/^-?(?:\d+(?:\.\d+)?|0x[0-9a-f]+)$/i.test(match[0])) return this.fail(`unexpected ${JSON.stringify(match[0])}`);
    return number;
  }
}
