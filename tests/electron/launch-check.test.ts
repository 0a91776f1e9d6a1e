// When Electron can open its window: `npm start` falls back to serve mode and the Electron smoke
// test skips itself exactly when this check says no, with its reason.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkElectronLaunch } from '../../scripts/electron-launch-check.mjs';

const packageDir = '/app/node_modules/electron';
const installed = (relative: string) => ({
  fileExists: (path: string) => path === join(packageDir, 'path.txt') || path === join(packageDir, 'dist', relative),
  readText: () => `${relative}\n`,
});

describe('checkElectronLaunch', () => {
  it('finds the binary named by path.txt on a Mac', () => {
    const result = checkElectronLaunch({ platform: 'darwin', env: {}, electronPackageDir: packageDir, ...installed('Electron.app/Contents/MacOS/Electron') });
    expect(result).toEqual({ ok: true, executablePath: join(packageDir, 'dist', 'Electron.app/Contents/MacOS/Electron') });
  });

  it('says no binary is installed when the download was skipped (no path.txt)', () => {
    const result = checkElectronLaunch({ platform: 'linux', env: { DISPLAY: ':0' }, electronPackageDir: packageDir, fileExists: () => false, readText: () => '' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/no Electron binary is installed/) });
  });

  it('says which binary is missing when path.txt names one that is gone', () => {
    const result = checkElectronLaunch({ platform: 'darwin', env: {}, electronPackageDir: packageDir, fileExists: (path) => path.endsWith('path.txt'), readText: () => 'Electron.app/Contents/MacOS/Electron' });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining(join(packageDir, 'dist', 'Electron.app/Contents/MacOS/Electron')) });
  });

  it('needs a display on Linux, X11 or Wayland', () => {
    const base = { platform: 'linux', electronPackageDir: packageDir, ...installed('electron') };
    expect(checkElectronLaunch({ ...base, env: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/no display/) });
    expect(checkElectronLaunch({ ...base, env: { DISPLAY: ':99' } }).ok).toBe(true);
    expect(checkElectronLaunch({ ...base, env: { WAYLAND_DISPLAY: 'wayland-0' } }).ok).toBe(true);
  });

  it('honours ELECTRON_EXEC_PATH as electron-vite does, and reports it when it is wrong', () => {
    const env = { ELECTRON_EXEC_PATH: '/opt/TrainDeck.app/Contents/MacOS/TrainDeck' };
    expect(checkElectronLaunch({ platform: 'darwin', env, electronPackageDir: undefined, fileExists: (path) => path === env.ELECTRON_EXEC_PATH })).toEqual({ ok: true, executablePath: env.ELECTRON_EXEC_PATH });
    expect(checkElectronLaunch({ platform: 'darwin', env, electronPackageDir: undefined, fileExists: () => false })).toMatchObject({ ok: false, reason: expect.stringContaining('ELECTRON_EXEC_PATH') });
  });

  it('says the electron package is missing when npm install has not run', () => {
    expect(checkElectronLaunch({ platform: 'darwin', env: {}, electronPackageDir: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/npm install/) });
  });
});
