// Electron main: the window, the IPC adapter and the host. Trainers run in utilityProcess
// children; the renderer is sandboxed, context-isolated and reaches the host only through the
// preload bridge, whose sender is checked on every request.
import { app, BrowserWindow, ipcMain, screen, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunManager } from '../host/run-manager.ts';
import { RunStore } from '../host/store/run-store.ts';
import { createTrainDeckService, forwardEvents, watchTrainerProcesses } from '../host/service.ts';
import { SystemMonitor } from '../host/monitor/system-monitor.ts';
import { createRequestDispatcher } from '../shared/ipc/dispatcher.ts';
import { eventChannel, requestChannel } from '../shared/ipc/bridge.ts';
import { availableTrainers } from '../workers/trainers/registry.ts';
import { datasetStoreFor } from '../workers/trainers/market.ts';
import { createUtilityProcessTrainerFactory } from './utility-process-trainer.ts';
import { installMenu } from './menu.ts';
import { fitToWorkArea, loadWindowState, saveWindowState } from '../host/window-state.ts';

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(import.meta.dirname, '../renderer/index.html');

let mainWindow: BrowserWindow | undefined;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  if (rendererUrl) return url.startsWith(rendererUrl);
  return url === pathToFileURL(rendererFile).href || url.startsWith(`${pathToFileURL(rendererFile).href}#`);
}

function createWindow(stateFile: string): BrowserWindow {
  const remembered = loadWindowState(stateFile);
  const fitted = remembered ? fitToWorkArea(remembered, screen.getDisplayMatching({ x: remembered.x, y: remembered.y, width: remembered.width, height: remembered.height }).workArea) : undefined;
  const window = new BrowserWindow({
    width: fitted?.width ?? 1360,
    height: fitted?.height ?? 880,
    ...(fitted ? { x: fitted.x, y: fitted.y } : {}),
    minWidth: 900,
    minHeight: 600,
    title: 'TrainDeck',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => {
    if (fitted?.maximized) window.maximize();
    window.show();
  });
  window.on('close', () => saveWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));

  const dataDir = app.getPath('userData');
  // Packaged, the embedded dataset sits in Resources/; in development, beside the sources.
  const defaultDatasetFile = app.isPackaged ? join(process.resourcesPath, 'resources', 'default-market.bin') : undefined;
  const runManager = new RunManager({
    dataDir,
    defaultDatasetFile,
    store: RunStore.open(dataDir),
    startTrainer: createUtilityProcessTrainerFactory(join(import.meta.dirname, 'trainer-worker.js')),
  });
  const datasets = datasetStoreFor(dataDir, defaultDatasetFile);
  const service = createTrainDeckService({ dataDir, runManager, datasets, host: 'electron', appVersion: app.getVersion(), trainers: availableTrainers });
  const dispatch = createRequestDispatcher(service, (error) => console.error('[traindeck] request failed:', error));

  ipcMain.handle(requestChannel, (event, message: unknown) => {
    if (!isTrustedSender(event)) {
      return { kind: 'response', id: -1, ok: false, error: { code: 'unauthorized', message: 'Request from an untrusted frame' } };
    }
    return dispatch(message);
  });
  const monitor = new SystemMonitor();
  watchTrainerProcesses(runManager, monitor);
  monitor.start();
  forwardEvents(runManager, monitor, (event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel, { event, payload });
  });

  const stateFile = join(dataDir, 'window-state.json');
  installMenu((command) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel, { event: 'menuCommand', payload: { command } });
  });
  mainWindow = createWindow(stateFile);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(stateFile);
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    monitor.stop();
    void runManager.shutdown().finally(() => app.quit());
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void start();
