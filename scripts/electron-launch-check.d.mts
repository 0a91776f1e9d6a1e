// Types of electron-launch-check.mjs for the TypeScript tests that import it.
export type LaunchCheck = { ok: true; executablePath: string } | { ok: false; reason: string };
export interface LaunchCheckInput {
  platform: string;
  env: Record<string, string | undefined>;
  electronPackageDir: string | undefined;
  fileExists?: (path: string) => boolean;
  readText?: (path: string) => string;
}
export function checkElectronLaunch(input: LaunchCheckInput): LaunchCheck;
export function electronPackageDir(): string | undefined;
export function checkThisMachine(): LaunchCheck;
