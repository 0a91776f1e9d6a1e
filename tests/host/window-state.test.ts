import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitToWorkArea, loadWindowState, saveWindowState } from '../../src/host/window-state.ts';

describe('window state', () => {
  it('round-trips, and treats a missing or damaged file as no state', () => {
    const directory = mkdtempSync(join(tmpdir(), 'traindeck-window-'));
    const file = join(directory, 'window-state.json');
    expect(loadWindowState(file)).toBeUndefined();
    const state = { x: 10, y: 20, width: 1200, height: 800, maximized: false };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    writeFileSync(file, '{"x": "left"');
    expect(loadWindowState(file)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...state, width: 5 }));
    expect(loadWindowState(file)).toBeUndefined();
    rmSync(directory, { recursive: true, force: true });
  });

  it('moves a window from a screen that is gone back onto the work area', () => {
    const area = { x: 0, y: 25, width: 1440, height: 875 };
    expect(fitToWorkArea({ x: 3000, y: -500, width: 1600, height: 1000, maximized: false }, area)).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: false });
    expect(fitToWorkArea({ x: 100, y: 100, width: 800, height: 600, maximized: true }, area)).toEqual({ x: 100, y: 100, width: 800, height: 600, maximized: true });
  });
});
