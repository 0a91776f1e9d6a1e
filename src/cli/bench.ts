// `npm run bench -- <suite...>`: runs benchmark suites and prints one JSON object. Benchmarks are
// not tests: figures are medians of repeats on whatever machine runs them, named with their units.
import { cpus, platform, arch } from 'node:os';
import { pathToFileURL } from 'node:url';

type Suite = () => Promise<Record<string, unknown>>;

const suites: Record<string, Suite> = {
  env: async () => (await import('./bench/env.ts')).runEnvBench(),
  rl: async () => (await import('./bench/rl.ts')).runRlBench(),
  neat: async () => (await import('./bench/neat.ts')).runNeatBench(),
  backends: async () => (await import('./bench/backends.ts')).runBackendsBench(),
};

export async function runBench(names: string[]): Promise<Record<string, unknown>> {
  const unknown = names.filter((name) => !(name in suites));
  if (unknown.length > 0) throw new Error(`Unknown bench suite ${unknown.map((name) => `"${name}"`).join(', ')} (suites: ${Object.keys(suites).join(', ')})`);
  const selected = names.length > 0 ? names : Object.keys(suites);
  const results: Record<string, unknown> = {
    machine: { platform: platform(), arch: arch(), cpu: cpus()[0]?.model.trim(), cores: cpus().length, node: process.versions.node },
    startedAt: new Date().toISOString(),
  };
  for (const name of selected) {
    process.stderr.write(`bench: ${name}...\n`);
    const started = performance.now();
    results[name] = await suites[name]();
    process.stderr.write(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write(`${JSON.stringify(await runBench(process.argv.slice(2)), null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
