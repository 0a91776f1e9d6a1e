// `traindeck serve`: the whole app headless. Prints the URL with its access token; Ctrl-C stops
// live runs gracefully and closes the server.
import { fileURLToPath } from 'node:url';
import { forwardEvents } from '../../host/service.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { integerOption, parseCommandArguments } from '../arguments.ts';
import { createHeadlessHost } from '../headless-host.ts';
import { startServer } from '../serve/server.ts';

export const serveUsage = `Usage: traindeck serve [--port N] [--host ADDRESS] [--data-dir DIR]

Serves the TrainDeck window on http://127.0.0.1:PORT (default 5790; 0 picks a free port).
Open the printed URL: it carries the access token the API requires. To drive a remote box,
tunnel the port over SSH rather than binding to a public address.`;

export const defaultRendererDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseCommandArguments(args, {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'renderer-dir': { type: 'string' },
  });
  const port = integerOption(values.port, 'port', 0, 65535) ?? 5790;
  const host = createHeadlessHost(resolveDataDir(values['data-dir']), { monitor: true });
  const server = await startServer({
    service: host.service,
    subscribe: (sink) => forwardEvents(host.runManager, host.monitor, sink),
    rendererDir: values['renderer-dir'] ?? defaultRendererDir,
    port,
    host: values.host,
  });
  process.stdout.write(`TrainDeck is serving at ${server.url}\n`);
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
