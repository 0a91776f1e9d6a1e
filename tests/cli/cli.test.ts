// The `traindeck` command as a user runs it: a real process, real exit codes, real output.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'traindeck-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function traindeck(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/traindeck.js', ...args, '--data-dir', dataDir], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('traindeck train', () => {
  it('prints one JSON summary with the documented keys', () => {
    const { code, stdout } = traindeck('train', 'baseline', '--episodes', '200', '--seed', '4', '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ trainer: 'baseline', mode: 'original', seed: 4, status: 'completed', episodes: 200 });
    for (const key of ['seconds', 'episodesPerMin', 'finalEquity']) expect(typeof summary[key]).toBe('number');
  });

  it.each([
    [['train'], /one trainer name/],
    [['train', 'alphago'], /unknown trainer "alphago"/],
    [['train', 'baseline', '--seconds', 'soon'], /--seconds must be a number/],
    [['train', 'baseline', '--seed', '-3'], /--seed must be a whole number/],
    [['train', 'baseline', '--mode', 'fast'], /--mode must be one of original, optimized/],
    [['train', 'baseline', '--colour', 'red'], /Unknown option '--colour'/],
    [['launch'], /unknown command "launch"/],
    // Budgets the trainer ignores would never end the run.
    [['train', 'baseline', '--generations', '1'], /--generations is not a budget of the baseline trainer/],
    [['train', 'rl', '--generations', '1'], /--generations is not a budget of the rl trainer/],
    [['train', 'neat', '--generations', '2000000000'], /--generations must be a whole number from 1 to 1000000000/],
    // The CLI's ranges are the trainer's: RL refuses more than 1024 envs, so the flag does too.
    [['train', 'rl', '--envs', '4096'], /--envs must be a whole number from 1 to 1024/],
    [['train', 'rl', '--accum', '100'], /--accum must be a whole number from 1 to 64/],
    [['train', 'baseline', '--set', '__proto__.polluted=1'], /"__proto__" is not an option name/],
    [['train', 'baseline', '--set', 'a.constructor.prototype.polluted=1'], /"constructor" is not an option name/],
    [['serve', '--max-runs', '0'], /--max-runs must be a whole number from 1/],
    [['serve', '--allow-host', 'a b'], /--allow-host takes a host name/],
  ])('rejects %j with a clear message and exit code 2', (args, message) => {
    const { code, stderr } = traindeck(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('refuses options the baseline would silently ignore, before any worker starts', () => {
    const { code, stderr } = traindeck('train', 'baseline', '--seconds', '2', '--set', 'envs=8');
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid run configuration\n\s+options\.envs: unknown key; this trainer takes no options/);
  });

  it('refuses bad --set values before any worker starts, naming every key with its allowed range', () => {
    const { code, stderr } = traindeck('train', 'rl', '--seconds', '2', '--set', 'horizon=5', '--set', 'flags.fp16=maybe', '--set', 'env.tradeFraction=2', '--set', 'gama=0.9');
    expect(code).toBe(1);
    expect(stderr.split('\n').map((line) => line.trim())).toEqual(expect.arrayContaining([
      'traindeck train: Invalid run configuration',
      'options.horizon: 5 is not allowed; expected an integer >= 10 and <= 10000',
      'options.flags.fp16: "maybe" is not allowed; expected true or false',
      'options.env.tradeFraction: 2 is not allowed; expected a number >= 0.01 and <= 1',
      expect.stringMatching(/^options\.gama: unknown key \(did you mean "gamma"\?\)/),
    ]));
    expect(JSON.parse(traindeck('runs', 'list', '--json').stdout).filter((run: { trainer: string }) => run.trainer === 'rl')).toEqual([]);
  });

  it('lists a trainer\'s --set keys from its settings declaration', () => {
    const { code, stdout } = traindeck('train', 'neat', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--set keys of the neat trainer/);
    expect(stdout).toMatch(/\n {2}neat\.populationSize +integer >= 2, <= 100000 genomes; default 50\. Genomes per population\./);
    expect(stdout).toMatch(/\n {2}flags\.compiled +true \| false; default original: false, optimized: true\./);
    expect(stdout).not.toMatch(/numInputs/);
  });

  it('fails with exit code 1 on a dataset that does not exist', () => {
    const { code, stderr } = traindeck('train', 'baseline', '--seconds', '2', '--dataset', 'missing-data');
    expect(code).toBe(1);
    expect(stderr).toMatch(/Dataset "missing-data" does not exist/);
  });
});

describe('traindeck data', () => {
  it('rejects a bad CSV with every problem and its line, and imports nothing', () => {
    const file = join(dataDir, 'bad.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T00:01:00Z,1.5,1.6,1.4,abc,5\n2024-01-01T00:02:00Z,1.5,1.4,1.6,1.5,5\n');
    const { code, stderr } = traindeck('data', 'import', file, '--name', 'bad');
    expect(code).toBe(1);
    expect(stderr).toMatch(/line 3: non-numeric/);
    expect(stderr).toMatch(/line 4: high-below-low/);
    expect(traindeck('data', 'list', '--json').stdout).not.toContain('"bad"');
  });

  it('imports, lists, inspects and removes a dataset', () => {
    const file = join(dataDir, 'good.csv');
    const rows = Array.from({ length: 2500 }, (_, index) => `${1_704_067_200_000 + index * 60_000},100,101,99,100.5,3`);
    writeFileSync(file, `${rows.join('\n')}\n`); // Binance-style, no header, ms open times
    const imported = traindeck('data', 'import', file, '--name', 'tiny', '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, name: 'tiny', rows: 2500, intervalMs: 60_000 });
    expect(JSON.parse(traindeck('data', 'list', '--json').stdout).map((dataset: { name: string }) => dataset.name)).toEqual(['default', 'tiny']);
    expect(JSON.parse(traindeck('data', 'info', 'tiny', '--json').stdout)).toMatchObject({ rows: 2500, gaps: { count: 0 } });
    expect(traindeck('data', 'rm', 'tiny').code).toBe(0);
    const missing = traindeck('data', 'info', 'tiny');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/tiny/);
  });

  it('generates a synthetic market as CSV that imports like real data', () => {
    const file = join(dataDir, 'generated.csv');
    const generated = traindeck('data', 'generate', '--out', file, '--seed', '5', '--bars', '3000', '--param', 'volatility=0.002', '--json');
    expect(generated.code).toBe(0);
    expect(JSON.parse(generated.stdout)).toMatchObject({ file, bars: 3000, params: { seed: 5, bars: 3000, volatility: 0.002 } });
    const imported = traindeck('data', 'import', file, '--name', 'generated', '--json');
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, rows: 3000, intervalMs: 60_000 });
    const screen = traindeck('data', 'screen', 'generated', '--json');
    expect(screen.code).toBe(0);
    const parsed = JSON.parse(screen.stdout);
    expect(parsed.rules).toHaveLength(122); // cash, buy-and-hold, two rules per macro feature
    expect(parsed.rules.slice(0, 4).map((rule: { rule: string }) => rule.rule)).toEqual(['cash', 'buy-and-hold', 'long while ret_15 > 0', 'long while ret_15 < 0']);
    expect(parsed).toMatchObject({ dataset: 'generated', earningOnTest: expect.any(Number), bestOnTest: { rule: expect.any(String) } });
    expect(['nothing-earns-on-test', 'carries-over', 'cash-on-validation', 'reverses']).toContain(parsed.verdict);
    const table = traindeck('data', 'screen', 'generated').stdout;
    expect(table).toMatch(/the 10 of 120 feature rules ranked first on validation[\s\S]*validation Sharpe +test Sharpe[\s\S]*ranks first on validation[\s\S]*best on test/);
    expect(table.trim().split('\n').length).toBeGreaterThanOrEqual(2 + 12 + 1);
    expect(traindeck('data', 'screen').code).toBe(2);
    expect(traindeck('data', 'generate', '--out', file, '--param', 'volatility=2').stderr).toMatch(/volatility must be in \(0, 0\.5\)/);
    expect(traindeck('data', 'generate', '--out', file, '--param', 'colour=1').code).toBe(2);
    expect(traindeck('data', 'rm', 'generated').code).toBe(0);
  });

  it('refuses to remove the embedded dataset', () => {
    const { code, stderr } = traindeck('data', 'rm', 'default');
    expect(code).toBe(1);
    expect(stderr).toMatch(/read-only/);
  });
});
