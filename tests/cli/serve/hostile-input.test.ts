// A real `traindeck serve` process under hostile input: malformed request targets, odd hosts and
// origins, and invalid WebSocket frames. After every probe the server must still serve, and the run
// it started before the probes must still be running (a crash would take it down).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

let serve: ChildProcess;
let output = '';
let port = 0;
let token = '';
let client: WebSocket;
let runId = '';
const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-hostile-'));
const rendererDir = mkdtempSync(join(tmpdir(), 'traindeck-renderer-'));

/** Sends raw bytes on a fresh TCP connection and returns what came back before it closed (or 2 s). */
function raw(bytes: string | Buffer, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

let nextId = 1;
function call(method: string, params: unknown, paramsJson = JSON.stringify(params)): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string; issues?: string[] } }> {
  const id = nextId++;
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString());
      if (message.kind === 'response' && message.id === id) {
        client.off('message', onMessage);
        resolve(message);
      }
    };
    client.on('message', onMessage);
    client.send(`{"kind":"request","id":${id},"method":${JSON.stringify(method)},"params":${paramsJson}}`);
  });
}

/** The server still answers, and the run started before the probes is still running. */
async function expectAlive(): Promise<void> {
  expect(serve.exitCode, output).toBeNull();
  expect(statusOf(await raw('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))).toBe(200);
  const detail = (await call('getRun', { runId })) as { ok: boolean; result: { record: { status: string } } };
  expect(detail.result.record.status).toBe('running');
}

/** A WebSocket handshake with the token, then `frame` sent raw; returns what the server answered. */
function afterHandshake(frame: Buffer): Promise<string> {
  const key = randomBytes(16).toString('base64');
  return raw(
    Buffer.concat([
      Buffer.from(`GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`),
      frame,
    ]),
  );
}

/** A client frame: FIN + opcode (+ RSV bits), masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, { masked = true, rsv = 0, declaredLength }: { masked?: boolean; rsv?: number; declaredLength?: bigint } = {}): Buffer {
  const header: number[] = [0x80 | rsv | opcode];
  const length = declaredLength ?? BigInt(payload.length);
  const maskBit = masked ? 0x80 : 0;
  if (length < 126n) header.push(maskBit | Number(length));
  else if (length < 65536n) header.push(maskBit | 126, Number(length >> 8n), Number(length & 0xffn));
  else {
    header.push(maskBit | 127);
    for (let shift = 56n; shift >= 0n; shift -= 8n) header.push(Number((length >> shift) & 0xffn));
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

beforeAll(async () => {
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>TrainDeck</title>');
  serve = spawn(process.execPath, ['bin/traindeck.js', 'serve', '--port', '0', '--data-dir', dataDir, '--renderer-dir', rendererDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  serve.stdout?.on('data', (chunk) => (output += chunk));
  serve.stderr?.on('data', (chunk) => (output += chunk));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL:\n${output}`)), 20_000);
    serve.stdout?.on('data', () => {
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
  });
  port = Number(url.port);
  token = url.searchParams.get('token') ?? '';
  client = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const started = (await call('startRun', { trainer: 'baseline', mode: 'optimized', seed: 1, budget: { seconds: 600 }, dataset: 'default' })) as { result: { id: string } };
  runId = started.result.id;
  for (let waited = 0; waited < 20_000; waited += 200) {
    const detail = (await call('getRun', { runId })) as { result: { record: { status: string } } };
    if (detail.result.record.status === 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 40_000);

afterAll(async () => {
  if (runId && serve.exitCode === null) await call('stopRun', { runId });
  client?.close();
  if (serve.exitCode === null) {
    const exited = new Promise((resolve) => serve.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
}, 30_000);

describe('serve mode under hostile HTTP requests', () => {
  const targets: Array<[string, number[]]> = [
    ['/%', [400]],
    ['/%FF', [400]],
    ['/%E0%A4%A', [400]],
    ['/%00', [400]],
    ['/..%2f..%2f..%2fetc%2fpasswd', [403, 404]],
    ['http://evil.example/', [400]],
    ['//a:99999/api', [400]],
    ['*', [400]],
    ['/assets/', [404]],
    [`/${'a'.repeat(100_000)}`, [400, 414, 431]],
  ];
  for (const [target, statuses] of targets) {
    it(`answers GET ${target.slice(0, 40)} with ${statuses.join(' or ')} and keeps serving`, async () => {
      const response = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      expect(statuses).toContain(statusOf(response));
      await expectAlive();
    });
  }

  it('survives garbage request lines and bare upgrade requests to odd targets', async () => {
    await raw('\x00\x01\x02 nonsense\r\n\r\n');
    await raw('GET / HTTP/9.9\r\n\r\n');
    for (const target of ['//a:99999/api', '/%', 'http://x:99999/api', '*']) {
      const response = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      expect(statusOf(response)).toBe(404);
    }
    await expectAlive();
  });

  it('refuses host names other than IP literals and localhost (DNS rebinding)', async () => {
    expect(statusOf(await raw('GET / HTTP/1.1\r\nHost: attacker.example:5790\r\nConnection: close\r\n\r\n'))).toBe(421);
    expect(statusOf(await raw('GET / HTTP/1.1\r\nConnection: close\r\n\r\n'))).toBe(400); // HTTP/1.1 requires Host
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`))).toBe(200);
    const upgrade = (host: string, origin?: string) =>
      raw(`GET /api?token=${token} HTTP/1.1\r\nHost: ${host}\r\n${origin ? `Origin: ${origin}\r\n` : ''}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`, 500);
    expect(statusOf(await upgrade('attacker.example'))).toBe(421);
    expect(statusOf(await upgrade(`127.0.0.1:${port}`, 'http://attacker.example'))).toBe(403);
    expect(statusOf(await upgrade(`127.0.0.1:${port}`, `http://localhost:${port}`))).toBe(403);
    expect(statusOf(await upgrade(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`))).toBe(101);
    expect(statusOf(await upgrade(`127.0.0.1:${port}`))).toBe(101);
    await expectAlive();
  });
});

describe('serve mode under invalid WebSocket frames from a token holder', () => {
  const text = Buffer.from(JSON.stringify({ kind: 'request', id: 1, method: 'listRuns', params: {} }));
  const cases: Array<[string, Buffer]> = [
    ['a reserved opcode', frame(0x3, text)],
    ['an unmasked frame', frame(0x1, text, { masked: false })],
    ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0xc3, 0x28, 0xff, 0xfe]))],
    ['the RSV1 bit without an extension', frame(0x1, text, { rsv: 0x40 })],
    ['a frame over the message limit', frame(0x2, Buffer.alloc(16), { declaredLength: 2n ** 40n })],
    ['a fragmented control frame', Buffer.from([0x09, 0x80, 1, 2, 3, 4])],
  ];
  for (const [name, bytes] of cases) {
    it(`drops only the client that sends ${name}`, async () => {
      const response = await afterHandshake(bytes);
      expect(statusOf(response)).toBe(101);
      await expectAlive();
    });
  }

  it('answers a malformed and a deeply nested request with bad-request', async () => {
    expect(await call('noSuchMethod', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // Written as text: JSON.stringify itself overflows the stack on 10,000 levels.
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const nested = await call('startRun', undefined, `{"trainer":"rl","mode":"original","seed":1,"budget":{"seconds":1},"options":${deep}}`);
    expect(nested).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expectAlive();
  });

  it('refuses bad trainer options before any run is created, naming every key with its allowed range', async () => {
    const before = ((await call('listRuns', {})).result as unknown[]).length;
    const bad = { trainer: 'neat', mode: 'original', seed: 1, budget: { seconds: 1 }, options: { envsPerGenome: 0, flags: { compiled: 'yes' }, neat: { genome: { numInputs: 3 } }, topolgy: 'single' } };
    const answer = await call('startRun', bad);
    expect(answer).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(answer.error?.issues).toEqual([
      'options.envsPerGenome: 0 is not allowed; expected an integer >= 1 and <= 256',
      'options.flags.compiled: "yes" is not allowed; expected true or false',
      expect.stringMatching(/^options\.neat\.genome\.numInputs: set by the workload/),
      expect.stringMatching(/^options\.topolgy: unknown key \(did you mean "topology"\?\)/),
    ]);
    const comparison = await call('startComparison', { trainer: 'rl', seed: 1, budget: { seconds: 1 }, options: { horizon: 5 } });
    expect(comparison.error?.issues).toEqual(['options.horizon: 5 is not allowed; expected an integer >= 10 and <= 10000']);
    expect(((await call('listRuns', {})).result as unknown[]).length).toBe(before);
    await expectAlive();
  });
});
