// `traindeck data import|list|info|rm`: the dataset store from the command line. A rejected import
// prints every problem with its line and exits 1; usage mistakes exit 2.
import { resolveDataDir } from '../../host/data-dir.ts';
import { DatasetError, type DatasetInfo, type DatasetSummary } from '../../host/datasets/store.ts';
import { datasetStoreFor } from '../../workers/trainers/market.ts';
import { parseCommandArguments, UsageError } from '../arguments.ts';

export const dataUsage = `Usage:
  traindeck data import FILE [--name NAME] [--json]   import an OHLCV CSV (all or nothing)
  traindeck data list [--json]                        datasets in the store
  traindeck data info NAME [--json]                   rows, span, interval, gaps, price and return statistics
  traindeck data rm NAME                              delete an imported dataset

Options:
  --data-dir DIR   where datasets live (default: $TRAINDECK_HOME or ~/.traindeck)

Accepted CSV: Binance klines with or without a header (open time in ms or us), or any headed
CSV with timestamp|time|date|open_time, open, high, low, close, volume (epoch s/ms/us or ISO 8601).`;

export async function dataCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArguments(args, {
    name: { type: 'string' },
    json: { type: 'boolean', default: false },
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
      case 'rm': {
        if (operands.length !== 1) throw new UsageError('data rm takes one NAME');
        await store.remove(operands[0]);
        print({ removed: operands[0] }, `Removed "${operands[0]}"\n`);
        return 0;
      }
      default:
        throw new UsageError(action === undefined ? 'data needs an action: import, list, info or rm' : `unknown data action "${action}" (actions: import, list, info, rm)`);
    }
  } catch (error) {
    if (error instanceof DatasetError) {
      process.stderr.write(`traindeck data ${action}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
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
