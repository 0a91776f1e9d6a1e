// The packaging config as electron-builder reads it: valid against its schema, the fuses set so
// the packaged app runs only its own integrity-checked code, and the hardened runtime granted
// only the JIT exception (no unsigned executable memory, library validation on).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
// electron-builder's own YAML parser and schema validation, so the test reads the file as it does
const yaml = require('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(config: unknown, logger: unknown): Promise<void> };
const { DebugLogger } = require('builder-util') as { DebugLogger: new () => unknown };

interface BuilderConfig {
  asar?: boolean;
  files: string[];
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string }>;
  electronFuses?: Record<string, boolean>;
  mac: { hardenedRuntime: boolean; entitlements: string; entitlementsInherit: string };
}

const config = yaml.load(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', async () => {
    await expect(validateConfiguration(config, new DebugLogger())).resolves.toBeUndefined();
  });

  it('sets the fuses: no run-as-node, NODE_OPTIONS or --inspect; encrypted cookies; only an integrity-checked app.asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).not.toBe(false);
  });

  it('unpacks the native compute runtimes and ships the embedded dataset once, as an extra resource', () => {
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/onnxruntime-node/**', 'node_modules/webgpu/**']));
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })]);
    expect(config.files.some((pattern) => pattern.startsWith('resources'))).toBe(false);
    expect(config.files).toContain('out/**');
  });
});

describe('the macOS entitlements', () => {
  const entitlementsOf = (file: string) => [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1]);

  it('grant the hardened runtime only JIT memory, for the app and every helper process', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    for (const file of [config.mac.entitlements, config.mac.entitlementsInherit]) {
      expect(entitlementsOf(file)).toEqual(['com.apple.security.cs.allow-jit']);
    }
  });
});
