// `traindeck bench [env|rl|neat|backends|learning ...]`: benchmark suites as one JSON object on stdout
// (progress on stderr). The same as `npm run bench -- <suite>`.
import { benchOptionsUsage, parseBenchArguments, runBench } from '../bench.ts';

export const benchUsage = `Usage: traindeck bench [env|rl|neat|backends|learning ...] [options] [--json]

Runs the named benchmark suites (env, rl, neat and backends when none is named) and prints one
JSON object with medians of repeats. Figures depend on the machine and its load; nothing here is
a test. "learning" trains REINFORCE, PPO and NEAT for 120 s per seed and reports whether the
policy each run hands over beats buy-and-hold, random and cash on the test split.

${benchOptionsUsage}`;

export async function benchCommand(args: string[]): Promise<number> {
  const { names, options } = parseBenchArguments(args);
  process.stdout.write(`${JSON.stringify(await runBench(names, options), null, 2)}\n`);
  return 0;
}
