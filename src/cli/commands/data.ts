// `traindeck data import|list|info|screen|rm|generate`: the dataset store from the command line. A rejected import
// prints every problem with its line and exits 1; usage mistakes exit 2.
import { resolveDataDir } from '../../host/data-dir.ts';
import { DatasetError, datasetStoreFor, type DatasetInfo, type DatasetSummary } from '../../host/datasets/store.ts';
import { writeFile } from 'node:fs/promises';
import { DEFAULT_MARKET_PARAMS, generateRegimeMarket, validateMarketParams, type RegimeMarketParams } from '../../core/market/generator.ts';
import type { OhlcvSeries } from '../../core/market/series.ts';
import { integerOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { describeScreenVerdict, screenMarket, screenRules, type MarketScreen } from '../../core/env/fixed-rules.ts';

export const dataUsage = `Usage:
  traindeck data import FILE [--name NAME] [--json]   import an OHLCV CSV (all or nothing)
  traindeck data list [--json]                        datasets in the store
  traindeck data info NAME [--json]                   rows, span, interval, gaps, price and return statistics
  traindeck data screen NAME [--json]                 the fixed-rule screen: cash, buy-and-hold and two
                                                      rules per macro feature on the validation and
                                                      test splits (does validation's choice earn on test?)
  traindeck data rm NAME                              delete an imported dataset
  traindeck data generate --out FILE.csv [--seed N] [--bars N] [--param KEY=VALUE]...
                                                      write a synthetic regime-switching market as a
                                                      Binance-style CSV, to import like real data

Options:
  --data-dir DIR   where datasets live (default: $TRAINDECK_HOME or ~/.traindeck)
  --param K=V      a generator parameter (e.g. trendDrift=0.00015, volatility=0.001); see
                   docs/market-data.md for all of them and the embedded market's values

Accepted CSV: Binance klines with or without a header (open time in ms or us), or any headed
CSV with timestamp|time|date|open_time, open, high, low, close, volume (epoch s/ms/us or ISO 8601).`;

export async function dataCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    name: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    seed: { type: 'string' },
    bars: { type: 'string' },
    param: { type: 'string', multiple: true },
    'data-dir': { type: 'string' },
  });
  const [action, ...operands] = positionals;
  const store = datasetStoreFor(resolveDataDir(values['data-dir']));
  const print = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  try {
    switch (action) {
      case 'import': {
        if (operands.length !== 1) throw new UsageError('data import takes one FILE');
        const started = performance.now();
        if (!values.json && process.stderr.isTTY) process.stderr.write(`Importing ${operands[0]}...\n`);
        const result = await store.importCsv(operands[0], values.name ? { name: values.name } : {});
        const seconds = (performance.now() - started) / 1000;
        if (!result.ok) {
          const lines = result.errors.map((error) => (error.line > 0 ? `  line ${error.line}: ${error.kind}: ${error.message}` : `  ${error.kind}: ${error.message}`));
          if (result.truncated) lines.push(`  ... and ${result.errorCount - result.errors.length} more`);
          if (values.json) process.stdout.write(`${JSON.stringify({ ok: false, errorCount: result.errorCount, errors: result.errors }, null, 2)}\n`);
          else process.stderr.write(`Rejected ${operands[0]}: ${result.errorCount} problem${result.errorCount === 1 ? '' : 's'}; nothing was imported.\n${lines.join('\n')}\n`);
          return 1;
        }
        print({ ok: true, seconds, ...result.info, report: result.report }, `Imported "${result.info.name}" in ${seconds.toFixed(2)} s\n${describe(result.info)}`);
        return 0;
      }
      case 'list': {
        if (operands.length !== 0) throw new UsageError('data list takes no operands');
        const datasets = await store.list();
        print(datasets, `${datasets.map(listLine).join('\n')}\n`);
        return 0;
      }
      case 'info': {
        if (operands.length !== 1) throw new UsageError('data info takes one NAME');
        const info = await store.info(operands[0]);
        print(info, describe(info));
        return 0;
      }
      case 'screen': {
        if (operands.length !== 1) throw new UsageError('data screen takes one NAME');
        if (!values.json && process.stderr.isTTY) process.stderr.write(`Computing features of "${operands[0]}" (cached after the first time)...\n`);
        const market = await store.loadMarketData(operands[0]);
        if (!values.json && process.stderr.isTTY) process.stderr.write(`Trading ${2 + screenRules.length} fixed rules over the validation and test splits...\n`);
        const screen = screenMarket(market);
        print({ dataset: operands[0], ...screen }, describeScreen(screen));
        return 0;
      }
      case 'rm': {
        if (operands.length !== 1) throw new UsageError('data rm takes one NAME');
        await store.remove(operands[0]);
        print({ removed: operands[0] }, `Removed "${operands[0]}"\n`);
        return 0;
      }
      case 'generate': {
        if (operands.length !== 0) throw new UsageError('data generate takes no operands; name the file with --out');
        if (!values.out) throw new UsageError('data generate needs --out FILE.csv');
        const overrides = generatorOverrides(values);
        const started = performance.now();
        const { series } = generateRegimeMarket(overrides);
        await writeFile(values.out, seriesToBinanceCsv(series));
        const seconds = (performance.now() - started) / 1000;
        print({ file: values.out, bars: series.length, seconds, params: overrides }, `Wrote ${series.length} bars to ${values.out} in ${seconds.toFixed(2)} s\n`);
        return 0;
      }
      default:
        throw new UsageError(action === undefined ? 'data needs an action: import, list, info, screen, rm or generate' : `unknown data action "${action}" (actions: import, list, info, screen, rm, generate)`);
    }
  } catch (error) {
    if (error instanceof DatasetError) {
      process.stderr.write(`traindeck data ${action}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** Rows the screen table shows: cash, buy-and-hold, the rules validation ranks first, and the best on test. */
const SCREEN_TABLE_RULES = 10;

/** The screen as a table of annualised Sharpe ratios (the rules validation ranks first), then its verdict. */
function describeScreen(screen: MarketScreen): string {
  const [cash, buyAndHold, ...features] = screen.rules;
  const ranked = [...features].sort((a, b) => b.validationSharpe - a.validationSharpe).slice(0, SCREEN_TABLE_RULES);
  const shown = [cash, buyAndHold, ...ranked, ...(ranked.includes(screen.bestOnTest) || screen.bestOnTest === buyAndHold ? [] : [screen.bestOnTest])];
  const header = `${'rule'.padEnd(40)}${'validation Sharpe'.padStart(18)}${'test Sharpe'.padStart(13)}${'test return'.padStart(13)}${'test trades'.padStart(13)}`;
  const rows = shown.map((rule) => `${rule.rule.padEnd(40)}${rule.validationSharpe.toFixed(2).padStart(18)}${rule.testSharpe.toFixed(2).padStart(13)}${`${rule.testReturnPct.toFixed(2)} %`.padStart(13)}${String(rule.testTrades).padStart(13)}`);
  const note = `Cash, buy-and-hold, the ${ranked.length} of ${features.length} feature rules ranked first on validation and the best on test (--json lists all); Sharpe ratios annualised, fees as in training.`;
  return `${note}\n${[header, ...rows].join('\n')}\n${describeScreenVerdict(screen)}\n`;
}

function listLine(dataset: DatasetSummary): string {
  const span = dataset.rows > 0 ? `${dataset.firstTimestamp} .. ${dataset.lastTimestamp}` : 'empty';
  return `${dataset.name.padEnd(24)} ${String(dataset.rows).padStart(10)} bars  ${formatInterval(dataset.intervalMs).padStart(6)}  ${span}${dataset.builtin ? '  (embedded, read-only)' : ''}`;
}

function describe(info: DatasetInfo): string {
  const lines = [
    `name        ${info.name}${info.builtin ? ' (embedded, read-only)' : ''}`,
    `rows        ${info.rows} bars, every ${formatInterval(info.intervalMs)}`,
    `span        ${info.firstTimestamp} .. ${info.lastTimestamp} (${(info.spanMs / 86_400_000).toFixed(1)} days)`,
    `gaps        ${info.gaps.count}${info.gaps.count > 0 ? ` (largest ${formatInterval(info.gaps.largestMs)}, ${info.gaps.missingBars} bars missing)` : ''}`,
    `close       first ${info.price.first}, last ${info.price.last}, min ${info.price.min}, max ${info.price.max}`,
    `returns     mean ${info.returns.mean.toExponential(3)}, std ${info.returns.std.toExponential(3)} per bar; ${(info.returns.annualisedVolatility * 100).toFixed(1)} % annualised volatility`,
    `stored      ${(info.storedBytes / 2 ** 20).toFixed(2)} MiB, checksum ${info.checksum}`,
  ];
  return `${lines.join('\n')}\n`;
}

function formatInterval(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Generator parameters from --seed, --bars and --param KEY=VALUE, checked by the generator's own rules. */
function generatorOverrides(values: { seed?: string; bars?: string; param?: string[] }): Partial<RegimeMarketParams> {
  const overrides: Record<string, number> = {};
  const seed = integerOption(values.seed, 'seed', 0, 2 ** 32 - 1);
  const bars = integerOption(values.bars, 'bars', 2, 50_000_000);
  if (seed !== undefined) overrides.seed = seed;
  if (bars !== undefined) overrides.bars = bars;
  for (const entry of values.param ?? []) {
    const [key, text] = entry.split('=', 2);
    if (!Object.hasOwn(DEFAULT_MARKET_PARAMS, key) || text === undefined) throw new UsageError(`--param takes KEY=VALUE with KEY one of ${Object.keys(DEFAULT_MARKET_PARAMS).join(', ')}; got "${entry}"`);
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--param ${key} needs a number, got "${text}"`);
    overrides[key] = value;
  }
  try {
    validateMarketParams({ ...DEFAULT_MARKET_PARAMS, ...overrides });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return overrides;
}

/** Binance kline CSV without a header: open time (ms), open, high, low, close, volume. */
function seriesToBinanceCsv(series: OhlcvSeries): string {
  const lines = new Array<string>(series.length);
  for (let t = 0; t < series.length; t++) {
    lines[t] = `${series.timestamps[t]},${series.open[t]},${series.high[t]},${series.low[t]},${series.close[t]},${series.volume[t]}`;
  }
  return `${lines.join('\n')}\n`;
}
