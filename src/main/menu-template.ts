// The application menu as data: the usual platform menus, TrainDeck's run commands with
// shortcuts, About, Open Data Folder, and Reveal Run (the recent runs' folders). Commands for the
// window reach it as `menuCommand` events; the rest are carried out by main through `actions`.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc/contract.ts';
import type { RunRecord } from '../shared/run.ts';

export interface MenuActions {
  send(command: MenuCommand): void;
  showAbout(): void;
  openDataFolder(): void;
  revealRun(runId: string): void;
}

/** Runs listed under Reveal Run, newest first. */
export const revealableRunCount = 10;

export function menuTemplate(platform: string, actions: MenuActions, recentRuns: readonly RunRecord[]): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About TrainDeck', click: () => actions.showAbout() };
  const openDataFolder: MenuItemConstructorOptions = { label: 'Open Data Folder', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openDataFolder() };
  const reveal: MenuItemConstructorOptions = {
    label: mac ? 'Reveal Run in Finder' : 'Show Run in Folder',
    submenu:
      recentRuns.length === 0
        ? [{ label: 'No runs yet', enabled: false }]
        : recentRuns.slice(0, revealableRunCount).map((run) => ({ label: runLabel(run), click: () => actions.revealRun(run.id) })),
  };
  const run: MenuItemConstructorOptions = {
    label: 'Run',
    submenu: [
      { label: 'New Run…', accelerator: 'CmdOrCtrl+N', click: () => actions.send('new-run') },
      { label: 'Stop Selected Run', accelerator: 'CmdOrCtrl+.', click: () => actions.send('stop') },
      { type: 'separator' },
      { label: 'Compare', accelerator: 'CmdOrCtrl+Shift+C', click: () => actions.send('compare') },
      { label: 'History', accelerator: 'CmdOrCtrl+Y', click: () => actions.send('history') },
      { label: 'Experiments', accelerator: 'CmdOrCtrl+Shift+E', click: () => actions.send('experiments') },
      { label: 'Dashboard', accelerator: 'CmdOrCtrl+D', click: () => actions.send('dashboard') },
      { type: 'separator' },
      reveal,
    ],
  };
  const appMenu: MenuItemConstructorOptions = {
    label: 'TrainDeck',
    submenu: [about, { type: 'separator' }, { role: 'services' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
  };
  const file: MenuItemConstructorOptions = { label: 'File', submenu: [openDataFolder, { type: 'separator' }, mac ? { role: 'close' } : { role: 'quit' }] };
  return [
    ...(mac ? [appMenu] : []),
    file,
    { role: 'editMenu' },
    run,
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: mac ? [openDataFolder] : [about, openDataFolder] },
  ];
}

function runLabel(run: RunRecord): string {
  const started = new Date(run.startedAt ?? run.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${run.config.trainer} ${run.config.mode} · ${run.status} · ${started} UTC`;
}
