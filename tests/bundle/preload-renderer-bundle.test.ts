// The built preload and renderer as Electron loads them. A sandboxed preload may require nothing
// but `electron` and must expose exactly the bridge; the renderer's page must carry its CSP and
// load only its own bundled files.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { eventChannel, requestChannel } from '../../src/shared/ipc/bridge.ts';
import { builtOutDir } from './staged-bundle.ts';

interface FakeIpcRenderer {
  invoked: Array<{ channel: string; request: unknown }>;
  listeners: Map<string, Array<(event: unknown, message: unknown) => void>>;
}

/** Runs out/preload/index.cjs in a fresh context with a stand-in `electron`, as the sandbox would. */
function loadPreload() {
  const code = readFileSync(join(builtOutDir, 'preload/index.cjs'), 'utf8');
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const ipc: FakeIpcRenderer = { invoked: [], listeners: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke: (channel: string, request: unknown) => {
        ipc.invoked.push({ channel, request });
        return Promise.resolve({ kind: 'response', id: 1, ok: true, result: null });
      },
      on: (channel: string, listener: (event: unknown, message: unknown) => void) => ipc.listeners.set(channel, [...(ipc.listeners.get(channel) ?? []), listener]),
      removeListener: (channel: string, listener: (event: unknown, message: unknown) => void) => ipc.listeners.set(channel, (ipc.listeners.get(channel) ?? []).filter((item) => item !== listener)),
    },
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require "${name}"`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(code, { require: sandboxRequire, module, exports: module.exports });
  return { exposed, required, ipc };
}

describe('the built preload', () => {
  it('is CommonJS that requires only electron, and exposes only window.traindeck', () => {
    const { exposed, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['traindeck']);
    expect(Object.keys(exposed.get('traindeck') as object).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('forwards requests on the request channel and events from the event channel until unsubscribed', async () => {
    const { exposed, ipc } = loadPreload();
    const bridge = exposed.get('traindeck') as { invoke(request: unknown): Promise<unknown>; onEvent(listener: (event: string, payload: unknown) => void): () => void };
    const request = { kind: 'request', id: 1, method: 'listRuns', params: {} };
    await expect(bridge.invoke(request)).resolves.toMatchObject({ ok: true });
    expect(ipc.invoked).toEqual([{ channel: requestChannel, request }]);
    const received: Array<[string, unknown]> = [];
    const unsubscribe = bridge.onEvent((event, payload) => received.push([event, payload]));
    for (const listener of ipc.listeners.get(eventChannel) ?? []) listener({ sender: 'ipc' }, { event: 'runUpdated', payload: { id: 'run-1' } });
    unsubscribe();
    expect(ipc.listeners.get(eventChannel)).toEqual([]);
    expect(received).toEqual([['runUpdated', { id: 'run-1' }]]);
  });
});

describe('the built renderer page', () => {
  const html = () => readFileSync(join(builtOutDir, 'renderer/index.html'), 'utf8');

  it('carries a CSP that allows only its own scripts, no eval, inline script or plug-ins', () => {
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html())?.[1];
    expect(csp).toBeDefined();
    const directives = new Map(csp!.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('loads only relative, bundled scripts and styles that exist (file:// has no server root)', () => {
    const references = [...html().matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(1);
    for (const reference of references) {
      expect(reference).toMatch(/^\.\//);
      expect(existsSync(join(builtOutDir, 'renderer', reference))).toBe(true);
    }
    expect(html()).not.toMatch(/<script>(?!<\/script>)/);
  });
});
