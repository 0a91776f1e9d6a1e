// A free TCP port on loopback, for the benchmarks and tests that start their own servers (Redis).
import { createServer } from 'node:net';

/** A free TCP port on loopback (closed again, for a server to take right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
