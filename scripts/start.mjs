// `npm start`: opens the desktop app where Electron can start (a Mac, or any machine with the
// Electron binary and a display). Elsewhere it says why in one sentence and starts serve mode,
// printing its URL and opening a browser when the machine has one. Arguments after `--` go to
// serve (e.g. `npm start -- --port 0`); `--serve` starts serve mode even where Electron could run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkThisMachine } from './electron-launch-check.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const forceServe = args.includes('--serve');
const serveArgs = args.filter((arg) => arg !== '--serve');

/** Runs an npm script of this package with the npm that started us (npm_execpath), else `npm`. */
function runNpmScript(name, extra = []) {
  const npmCli = process.env.npm_execpath;
  const [command, commandArgs] = npmCli ? [process.execPath, [npmCli, 'run', name, ...extra]] : ['npm', ['run', name, ...extra]];
  return spawnSync(command, commandArgs, { cwd: repoRoot, stdio: 'inherit', shell: !npmCli && process.platform === 'win32' });
}

function electronVite(...commandArgs) {
  const cli = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  return spawn(process.execPath, [cli, ...commandArgs], { cwd: repoRoot, stdio: 'inherit' });
}

/** The command that opens a URL in the default browser here, or undefined when there is none. */
function browserOpener() {
  if (process.platform === 'darwin') return ['open'];
  if (process.platform === 'win32') return ['cmd', '/c', 'start', '""'];
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((folder) => existsSync(join(folder, 'xdg-open')));
  return onPath ? ['xdg-open'] : undefined;
}

function openBrowser(url) {
  const opener = browserOpener();
  if (!opener) return;
  const child = spawn(opener[0], [...opener.slice(1), url], { stdio: 'ignore', detached: true });
  child.on('error', (error) => console.log(`Could not open a browser (${error.message}); open the URL above yourself.`));
  child.unref();
}

function startServeMode() {
  const built = runNpmScript('build');
  if (built.status !== 0) process.exit(built.status ?? 1);
  const serve = spawn(process.execPath, [join(repoRoot, 'bin', 'traindeck.js'), 'serve', ...serveArgs], { cwd: repoRoot, stdio: ['inherit', 'pipe', 'inherit'] });
  let opened = false;
  serve.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const url = /TrainDeck is serving at (\S+)/.exec(chunk.toString())?.[1];
    if (url && !opened) {
      opened = true;
      openBrowser(url);
    }
  });
  // Ctrl-C reaches serve through the terminal's process group: serve stops its runs gracefully and
  // this process exits with it. A signal sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => serve.kill('SIGTERM'));
  serve.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const launch = checkThisMachine();
if (launch.ok && !forceServe) {
  // electron-vite preview builds the three bundles, then starts Electron on them.
  const preview = electronVite('preview');
  preview.on('exit', (code) => process.exit(code ?? 1));
} else {
  console.log(
    forceServe
      ? 'Starting serve mode as asked: open the URL it prints in a browser.'
      : `TrainDeck cannot open its window here (${launch.reason}), so it starts in serve mode: open the URL it prints in a browser.`,
  );
  startServeMode();
}
