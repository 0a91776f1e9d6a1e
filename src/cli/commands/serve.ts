// `traindeck serve`: the whole app headless. Prints the URL with its access token; Ctrl-C stops
// live runs gracefully and closes the server.
import { fileURLToPath } from 'node:url';
import { forwardEvents } from '../../host/service.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { isIP } from 'node:net';
import { defaultMaxConcurrentRuns } from '../../host/run-manager.ts';
import { integerOption, parseCommandArguments, UsageError } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { startServer } from '../serve/server.ts';

export const serveUsage = `Usage: traindeck serve [--port N] [--host ADDRESS] [--allow-host NAME]... [--max-runs N] [--data-dir DIR]

Serves the TrainDeck window on http://127.0.0.1:PORT (default 5790; 0 picks a free port).
Open the printed URL: it carries the access token the API requires. To drive a remote box,
tunnel the port over SSH rather than binding to a public address.

Options:
  --host ADDRESS     address to listen on (default 127.0.0.1); anything but loopback exposes the
                     server to the network, protected only by the token (see docs/security.md)
  --allow-host NAME  a host name browsers may use to reach the server, besides IP addresses and
                     localhost (repeatable); other names are refused against DNS rebinding
  --max-runs N       most trainers running at once; more wait as queued (default: ${defaultMaxConcurrentRuns()}, one per two cores)
  --data-dir DIR     where runs write (default: $TRAINDECK_HOME or ~/.traindeck)`;

export const defaultRendererDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArguments(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    'max-runs': { type: 'string' },
    'data-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
  });
  const port = integerOption(values.port, 'port', 0, 65535) ?? 5790;
  const maxConcurrentRuns = integerOption(values['max-runs'], 'max-runs', 1, 1024);
  const allowedHosts = values['allow-host'] ?? [];
  for (const name of allowedHosts) if (!/^[a-z0-9.-]+$/i.test(name)) throw new UsageError(`--allow-host takes a host name, got "${name}"`);
  if (values.host !== undefined && !isLoopbackAddress(values.host)) {
    process.stderr.write(
      `Warning: --host ${values.host} makes TrainDeck reachable from the network. Anyone who gets the token can start ` +
        'runs and read or delete every run and dataset, and the traffic is not encrypted. Prefer the default ' +
        '127.0.0.1 with an SSH tunnel (ssh -L 5790:127.0.0.1:5790 box); see docs/security.md.\n',
    );
  }
  const host = createHeadlessHost(resolveDataDir(values['data-dir']), { monitor: true, maxConcurrentRuns });
  const server = await startServer({
    service: host.service,
    subscribe: (sink) => forwardEvents(host.runManager, host.monitor, sink, host.experiments),
    rendererDir: values['renderer-dir'] ?? defaultRendererDir,
    port,
    host: values.host,
    allowedHosts,
  });
  process.stdout.write(`TrainDeck is serving at ${server.url} (at most ${host.runManager.maxConcurrentRuns} run${host.runManager.maxConcurrentRuns === 1 ? '' : 's'} at a time)\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => {
      process.stdout.write('Stopping live runs and closing the server...\n');
      resolve();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await host.close();
  await server.close();
  return 0;
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackAddress(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true;
  return isIP(address) === 4 && address.startsWith('127.');
}
