// The application menu: the usual macOS menus plus TrainDeck's commands with shortcuts. Commands
// reach the window as `menuCommand` events on the IPC contract; the window does the rest.
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/ipc/contract.ts';

export function installMenu(send: (command: MenuCommand) => void): void {
  const run: MenuItemConstructorOptions = {
    label: 'Run',
    submenu: [
      { label: 'New Run…', accelerator: 'CmdOrCtrl+N', click: () => send('new-run') },
      { label: 'Stop Selected Run', accelerator: 'CmdOrCtrl+.', click: () => send('stop') },
      { type: 'separator' },
      { label: 'Compare', accelerator: 'CmdOrCtrl+Shift+C', click: () => send('compare') },
      { label: 'History', accelerator: 'CmdOrCtrl+Y', click: () => send('history') },
      { label: 'Dashboard', accelerator: 'CmdOrCtrl+D', click: () => send('dashboard') },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    run,
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: `TrainDeck ${app.getVersion()} data folder`, click: () => void shell.openPath(app.getPath('userData')) }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
