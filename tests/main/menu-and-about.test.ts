// The menu's own items (About, Open Data Folder, Reveal Run) and what they call, the About
// panel's text, where the packaged and unpackaged app find the embedded dataset, and --smoke.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuActions } from '../../src/main/menu-template.ts';
import { aboutPanel } from '../../src/main/about.ts';
import { dataDirOption, defaultDatasetFile, smokeDirectory } from '../../src/main/app-paths.ts';
import type { RunRecord } from '../../src/shared/run.ts';

function recordingActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    send: (command) => calls.push(`send:${command}`),
    showAbout: () => calls.push('about'),
    openDataFolder: () => calls.push('data-folder'),
    revealRun: (runId) => calls.push(`reveal:${runId}`),
  };
  return { actions, calls };
}

function findItem(items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const found = Array.isArray(item.submenu) ? findItem(item.submenu, label) : undefined;
    if (found) return found;
  }
  return undefined;
}

const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();
const recent: RunRecord[] = [
  { id: 'run-2', status: 'completed', createdAt: Date.UTC(2025, 0, 2, 9, 30), progress: 1, config: { trainer: 'neat', mode: 'optimized' } as RunRecord['config'] },
  { id: 'run-1', status: 'failed', createdAt: Date.UTC(2025, 0, 1, 8, 0), progress: 0.2, config: { trainer: 'rl', mode: 'original' } as RunRecord['config'] },
];

describe('menuTemplate', () => {
  it('on a Mac: About in the app menu, Open Data Folder, and Reveal Run in Finder listing recent runs', () => {
    const { actions, calls } = recordingActions();
    const template = menuTemplate('darwin', actions, recent);
    expect(template[0].label).toBe('TrainDeck');
    click(findItem(template, 'About TrainDeck'));
    click(findItem(template, 'Open Data Folder'));
    const reveal = findItem(template, 'Reveal Run in Finder');
    expect((reveal?.submenu as MenuItemConstructorOptions[]).map((item) => item.label)).toEqual(['neat optimized · completed · 2025-01-02 09:30 UTC', 'rl original · failed · 2025-01-01 08:00 UTC']);
    click((reveal?.submenu as MenuItemConstructorOptions[])[1]);
    click(findItem(template, 'New Run…'));
    expect(calls).toEqual(['about', 'data-folder', 'reveal:run-1', 'send:new-run']);
  });

  it('elsewhere: no app menu, About under Help, and a disabled entry while there are no runs', () => {
    const { actions } = recordingActions();
    const template = menuTemplate('linux', actions, []);
    expect(template.some((item) => item.label === 'TrainDeck')).toBe(false);
    expect(findItem(template, 'About TrainDeck')).toBeDefined();
    expect((findItem(template, 'Show Run in Folder')?.submenu as MenuItemConstructorOptions[])[0]).toMatchObject({ label: 'No runs yet', enabled: false });
  });
});

describe('aboutPanel', () => {
  const versions = { appVersion: '0.1.0', electron: '45.4.1', chromium: '142.0', node: '24.11.0' };

  it('lists the versions and each backend with its device or why it is unavailable', () => {
    const panel = aboutPanel({
      ...versions,
      probe: {
        onnxruntime: '1.30.0',
        backends: [
          { name: 'onnx', available: true, device: 'cpu' },
          { name: 'tfjs-node', available: false, reason: '@tensorflow/tfjs-node is not installed\nstack' },
        ],
      },
    });
    expect(panel).toMatchObject({ applicationName: 'TrainDeck', applicationVersion: '0.1.0', version: 'Electron 45.4.1' });
    expect(panel.credits.split('\n')).toEqual(['Electron 45.4.1', 'Chromium 142.0', 'Node.js 24.11.0', 'onnxruntime 1.30.0', '', 'Compute backends:', '  onnx: cpu', '  tfjs-node: unavailable (@tensorflow/tfjs-node is not installed)']);
  });

  it('says the backends were not probed, and why, instead of guessing', () => {
    expect(aboutPanel({ ...versions, probe: { error: 'the probe did not answer within 30 s' } }).credits).toContain('Compute backends: not probed (the probe did not answer within 30 s)');
  });
});

describe('app paths', () => {
  it('finds the embedded dataset in Contents/Resources when packaged, beside the app otherwise', () => {
    expect(defaultDatasetFile({ isPackaged: true, resourcesPath: '/A.app/Contents/Resources', appPath: '/A.app/Contents/Resources/app.asar' })).toBe(join('/A.app/Contents/Resources', 'resources', 'default-market.bin'));
    expect(defaultDatasetFile({ isPackaged: false, resourcesPath: '/electron/resources', appPath: '/repo' })).toBe(join('/repo', 'resources', 'default-market.bin'));
  });

  it('reads --smoke DIR and --smoke=DIR, and refuses --smoke without a folder', () => {
    expect(smokeDirectory(['TrainDeck'])).toBeUndefined();
    expect(smokeDirectory(['TrainDeck', '--smoke', '/tmp/s'])).toBe('/tmp/s');
    expect(smokeDirectory(['TrainDeck', '--smoke=/tmp/s'])).toBe('/tmp/s');
    expect(() => smokeDirectory(['TrainDeck', '--smoke'])).toThrow(/needs a folder/);
  });

  it('reads --data-dir as the CLI does', () => {
    expect(dataDirOption(['TrainDeck', '--data-dir', '/tmp/d'])).toBe('/tmp/d');
    expect(dataDirOption(['TrainDeck', '--data-dir=/tmp/d'])).toBe('/tmp/d');
    expect(dataDirOption(['TrainDeck', '--smoke', '/tmp/s'])).toBeUndefined();
    expect(() => dataDirOption(['TrainDeck', '--data-dir', '--smoke'])).toThrow(/--data-dir needs a folder/);
  });
});
