// The `traindeck` command: train, serve, compare, data, runs, experiment, worker, bench. Usage mistakes print a clear
// message and exit 2; failures exit 1.
import { UsageError } from './arguments.ts';
import { trainCommand, trainHelp, trainUsage } from './commands/train.ts';
import { serveCommand, serveUsage } from './commands/serve.ts';
import { dataCommand, dataUsage } from './commands/data.ts';
import { compareCommand, compareHelp, compareUsage } from './commands/compare.ts';
import { benchCommand, benchUsage } from './commands/bench.ts';
import { runsCommand, runsUsage } from './commands/runs.ts';
import { experimentCommand, experimentUsage } from './commands/experiment.ts';
import { workerCommand, workerUsage } from './commands/worker.ts';

const usage = `TrainDeck: a training lab for crypto-trading agents.

Usage: traindeck <command> [options]

Commands:
  train <trainer>   run one training run in the foreground
  serve             serve the app on localhost (headless training box)
  compare <trainer> original vs optimized with the same seed and budget, and the speedup
  data              import, list, inspect and delete datasets
  runs              list, inspect, export and delete past runs
  experiment        seeds and sweeps with statistics, here or on workers (run, resume, list, show, export, rm)
  worker            run experiment trials from a Redis queue on this machine
  bench [suite...]  benchmark suites (env, rl, neat, backends, learning, queue) as JSON

Run "traindeck <command> --help" for a command's options.`;

/** `help`, where given, is the --help text for the arguments (e.g. a trainer's --set keys). */
const commands: Record<string, { run: (args: string[]) => Promise<number>; usage: string; help?: (args: string[]) => string }> = {
  train: { run: trainCommand, usage: trainUsage, help: trainHelp },
  serve: { run: serveCommand, usage: serveUsage },
  data: { run: dataCommand, usage: dataUsage },
  runs: { run: runsCommand, usage: runsUsage },
  experiment: { run: experimentCommand, usage: experimentUsage },
  worker: { run: workerCommand, usage: workerUsage },
  compare: { run: compareCommand, usage: compareUsage, help: compareHelp },
  bench: { run: benchCommand, usage: benchUsage },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`traindeck: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help?.(rest) ?? command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`traindeck ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    const issues = (error as { issues?: string[] }).issues;
    process.stderr.write(`traindeck ${name}: ${(error as Error).message}${issues ? `\n  ${issues.join('\n  ')}` : ''}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
