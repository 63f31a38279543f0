import { createConnection } from 'node:net';

/**
 * Whether something accepts a TCP connection on host:port within a second: the interop tests ask it of the
 * brokers CI provides (.ci/run) and a developer machine may lack.
 */
export function portAnswers(target: { host: string; port: number }): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = createConnection(target, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
  });
}
