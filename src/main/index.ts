// Electron main: the window, the IPC adapter and the host. Trainers run in utilityProcess
// children; the renderer is sandboxed, context-isolated and reaches the host only through the
// preload bridge, whose sender is checked on every request. The security rules live in
// security.ts; `--smoke DIR` runs the packaged app's self-check (smoke.ts) and quits.
import { app, BrowserWindow, ipcMain, Notification, screen, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RunManager } from '../host/run-manager.ts';
import { RunStore } from '../host/store/run-store.ts';
import { createExperimentManager, createTrainDeckService, forwardEvents, watchTrainerProcesses } from '../host/service.ts';
import { SystemMonitor } from '../host/monitor/system-monitor.ts';
import { createRequestDispatcher } from '../shared/ipc/dispatcher.ts';
import { eventChannel, requestChannel } from '../shared/ipc/bridge.ts';
import { datasetStoreFor } from '../host/datasets/store.ts';
import { trainerNames } from '../shared/run.ts';
import { createUtilityProcessTrainerFactory } from './utility-process-trainer.ts';
import { installMenu } from './menu.ts';
import { fitToWorkArea, loadWindowState, saveWindowState } from '../host/window-state.ts';
import { dataLayout } from '../host/data-layout.ts';
import { externalUrlToOpen, isAppPage, permissionGranted, type RendererLocation } from './security.ts';
import { dataDirOption, defaultDatasetFile, smokeDirectory } from './app-paths.ts';
import { RunAttention } from './run-attention.ts';
import { aboutPanel } from './about.ts';
import { probeBackendsOnce } from './backend-probe.ts';
import { runSmokeCheck } from './smoke.ts';

const bundleDir = import.meta.dirname;
const rendererFile = join(bundleDir, '../renderer/index.html');
const rendererLocation: RendererLocation = { devServerUrl: process.env.ELECTRON_RENDERER_URL, fileUrl: pathToFileURL(rendererFile).href };
const smokeDir = smokeDirectory(process.argv);
// smoke mode gets a throwaway data folder: the self-check never touches the user's runs
const dataDirOverride = smokeDir ? join(smokeDir, 'data') : dataDirOption(process.argv);
if (dataDirOverride) {
  mkdirSync(dataDirOverride, { recursive: true });
  app.setPath('userData', dataDirOverride);
}
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && isAppPage(frame.url, rendererLocation);
}

/** Every web contents the app creates gets the same rules: no new windows, navigation or webviews. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external) void shell.openExternal(external);
    else console.warn(`[traindeck] blocked a window.open of ${url}: not on the external-link allow-list`);
    return { action: 'deny' };
  });
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
      preload: join(bundleDir, '../preload/index.cjs'),
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
  if (rendererLocation.devServerUrl) void window.loadURL(rendererLocation.devServerUrl);
  else void window.loadFile(rendererFile);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => callback(permissionGranted(permission, contents.getURL())));
  session.defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permissionGranted(permission, requestingOrigin));

  const dataDir = app.getPath('userData');
  const datasetFile = defaultDatasetFile({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() });
  const store = RunStore.open(dataDir);
  const runManager = new RunManager({
    dataDir,
    defaultDatasetFile: datasetFile,
    store,
    startTrainer: createUtilityProcessTrainerFactory(join(bundleDir, 'trainer-worker.js')),
  });
  const datasets = datasetStoreFor(dataDir, datasetFile);
  const experiments = createExperimentManager({ store, runManager, datasets, trainers: trainerNames });
  const service = createTrainDeckService({ dataDir, runManager, datasets, host: 'electron', appVersion: app.getVersion(), trainers: trainerNames, experiments });
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
  const sendToWindow = (event: string, payload: unknown) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(eventChannel, { event, payload });
  };
  forwardEvents(runManager, monitor, sendToWindow, experiments);

  const rebuildMenu = installMenu(
    {
      send: (command) => sendToWindow('menuCommand', { command }),
      showAbout: () => void showAbout(),
      openDataFolder: () => void openFolder(dataDir),
      // a run without a checkpoint has no folder of its own: show the store that holds it
      revealRun: (runId) => shell.showItemInFolder(runManager.latestCheckpoint(runId) ?? (existsSync(store.checkpointDirectory(runId)) ? store.checkpointDirectory(runId) : dataLayout(dataDir).database)),
    },
    () => runManager.list(),
  );
  const attention = new RunAttention({
    setProgress: (value) => mainWindow && !mainWindow.isDestroyed() && mainWindow.setProgressBar(value),
    notify: (notice) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title: notice.title, body: notice.body });
      notification.on('click', () => mainWindow?.show());
      notification.show();
    },
    windowInForeground: () => mainWindow !== undefined && !mainWindow.isDestroyed() && mainWindow.isVisible() && !mainWindow.isMinimized() && mainWindow.isFocused(),
  });
  const knownStatuses = new Map<string, string>();
  runManager.on('runUpdated', (record) => {
    attention.update(record);
    // the menu lists runs by status: progress-only updates (many a second) leave it alone
    if (knownStatuses.get(record.id) === record.status) return;
    knownStatuses.set(record.id, record.status);
    rebuildMenu();
  });

  const stateFile = dataLayout(dataDir).windowState;
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
    void experiments
      .shutdown()
      .then(() => runManager.shutdown())
      .finally(() => app.quit());
  });

  if (smokeDir) {
    const window = mainWindow;
    window.webContents.once('did-finish-load', () => {
      void runSmokeCheck(window, runManager, smokeDir).then(async (code) => {
        await runManager.shutdown();
        app.exit(code);
      });
    });
  }
}

async function showAbout(): Promise<void> {
  const versions = { appVersion: app.getVersion(), electron: process.versions.electron, chromium: process.versions.chrome, node: process.versions.node };
  try {
    app.setAboutPanelOptions(aboutPanel({ ...versions, probe: await probeBackendsOnce(join(bundleDir, 'backend-probe.js')) }));
  } catch (error) {
    app.setAboutPanelOptions(aboutPanel({ ...versions, probe: { error: (error as Error).message } }));
  }
  app.showAboutPanel();
}

async function openFolder(folder: string): Promise<void> {
  const problem = await shell.openPath(folder);
  if (problem) console.error(`[traindeck] could not open ${folder}: ${problem}`);
}

app.on('web-contents-created', (_event, contents) => harden(contents));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void start();
