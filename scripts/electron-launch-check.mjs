// Whether the Electron window can open on this machine, and where the Electron binary is, found
// the way electron-vite finds it (ELECTRON_EXEC_PATH, else node_modules/electron/path.txt) but
// without require('electron'), which tries to download a missing binary. `npm start` uses it to
// fall back to serve mode; the Electron smoke test uses it to skip itself, saying why.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * @typedef {{ ok: true, executablePath: string } | { ok: false, reason: string }} LaunchCheck
 * @typedef {{
 *   platform: string,
 *   env: Record<string, string | undefined>,
 *   electronPackageDir: string | undefined,
 *   fileExists?: (path: string) => boolean,
 *   readText?: (path: string) => string,
 * }} LaunchCheckInput
 */

/** @param {LaunchCheckInput} input @returns {LaunchCheck} */
export function checkElectronLaunch({ platform, env, electronPackageDir, fileExists = existsSync, readText = (path) => readFileSync(path, 'utf8') }) {
  const binary = findElectronBinary({ env, electronPackageDir, fileExists, readText });
  if (!binary.ok) return binary;
  // macOS and Windows always have a window server for a logged-in user; Linux needs X11 or Wayland.
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display to open a window on: neither DISPLAY nor WAYLAND_DISPLAY is set' };
  }
  return binary;
}

/** @param {Omit<LaunchCheckInput, 'platform'> & { fileExists: (path: string) => boolean, readText: (path: string) => string }} input @returns {LaunchCheck} */
function findElectronBinary({ env, electronPackageDir, fileExists, readText }) {
  if (env.ELECTRON_EXEC_PATH) {
    return fileExists(env.ELECTRON_EXEC_PATH)
      ? { ok: true, executablePath: env.ELECTRON_EXEC_PATH }
      : { ok: false, reason: `ELECTRON_EXEC_PATH names ${env.ELECTRON_EXEC_PATH}, which does not exist` };
  }
  if (!electronPackageDir) return { ok: false, reason: 'the electron package is not installed: run npm install' };
  const pathFile = join(electronPackageDir, 'path.txt');
  if (!fileExists(pathFile)) {
    return { ok: false, reason: 'no Electron binary is installed: its download was skipped or blocked, so node_modules/electron has no path.txt' };
  }
  const relative = readText(pathFile).trim();
  const executablePath = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(electronPackageDir, 'dist', relative);
  return fileExists(executablePath) ? { ok: true, executablePath } : { ok: false, reason: `the Electron binary ${executablePath} is missing` };
}

/** The installed electron package's folder, resolved from this repository; undefined when absent. */
export function electronPackageDir() {
  try {
    // resolve() only locates index.js; it does not run it (running it would start a download)
    return dirname(createRequire(import.meta.url).resolve('electron'));
  } catch {
    return undefined;
  }
}

/** The check for this machine and process environment. @returns {LaunchCheck} */
export function checkThisMachine() {
  return checkElectronLaunch({ platform: process.platform, env: process.env, electronPackageDir: electronPackageDir() });
}
