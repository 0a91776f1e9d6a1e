// `traindeck bench [env|rl|neat|backends ...]`: benchmark suites as one JSON object on stdout
// (progress on stderr). The same as `npm run bench -- <suite>`.
import { runBench } from '../bench.ts';
import { parseCommandArguments } from '../arguments.ts';

export const benchUsage = `Usage: traindeck bench [env|rl|neat|backends ...] [--json]

Runs the named benchmark suites (all when none is named) and prints one JSON object with
medians of repeats. Figures depend on the machine and its load; nothing here is a test.`;

export async function benchCommand(args: string[]): Promise<number> {
  const { positionals } = parseCommandArguments(args, { json: { type: 'boolean', default: true } });
  process.stdout.write(`${JSON.stringify(await runBench(positionals), null, 2)}\n`);
  return 0;
}
