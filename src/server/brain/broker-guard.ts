import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * Abuse guards of the embedded MQTT broker (aedes has none of its own): a cap on the size a packet announces,
 * a backoff for failed logins per client id and per address, and log sampling so a flood of refusals cannot
 * flood the log as well.
 */

export const DEFAULT_MQTT_MAX_PACKET_BYTES = 262_144;

/** Failed logins before the backoff starts, and its ceiling. */
const FREE_FAILURES = 3;
/**
 * An address gets more: many devices share one NAT address, and one misconfigured device should not lock out
 * its neighbours; a client id or an address+username pair is one caller.
 */
export const ADDRESS_FREE_FAILURES = 20;
const MAX_BACKOFF_MS = 60_000;
const BASE_BACKOFF_MS = 500;

export function createLoginThrottle(now: () => number = Date.now) {
  const failures = new Map<string, { count: number; until: number }>();
  const prune = () => {
    if (failures.size < 10_000) return;
    const t = now();
    for (const [k, v] of failures) if (v.until < t - MAX_BACKOFF_MS) failures.delete(k);
  };
  return {
    /** ms the caller must still wait because of earlier failures of any of these keys (0: may try) */
    wait(keys: string[]): number {
      const t = now();
      return Math.max(0, ...keys.map((k) => (failures.get(k)?.until ?? 0) - t));
    },
    /** counts a failure for each key (`free`: failures a key may have before its backoff starts) */
    fail(keys: string[], free: Record<string, number> = {}): number {
      prune();
      let count = 0;
      for (const k of keys) {
        const f = failures.get(k) ?? { count: 0, until: 0 };
        f.count++;
        const over = f.count - (free[k] ?? FREE_FAILURES);
        f.until = over > 0 ? now() + Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (over - 1)) : 0;
        failures.set(k, f);
        count = Math.max(count, f.count);
      }
      return count;
    },
    succeed(keys: string[]) {
      for (const k of keys) failures.delete(k);
    },
  };
}

/** Logs the first few events of a kind, then one in `every`, with the count of what was skipped. */
export function createSampler(first = 5, every = 100) {
  const seen = new Map<string, number>();
  return (kind: string): number | null => {
    const n = (seen.get(kind) ?? 0) + 1;
    if (seen.size > 10_000) seen.clear();
    seen.set(kind, n);
    return n <= first || n % every === 0 ? n : null;
  };
}

/**
 * Reads the MQTT fixed header of each packet as the bytes pass (type byte, then the remaining length as a
 * variable byte integer) and refuses a packet announcing more than `maxBytes` before its body arrives, so a
 * CONNECT claiming 256 MB cannot hold a socket and memory while it trickles in.
 */
export function packetSizeGuard(maxBytes: number) {
  let skip = 0; // body bytes of the current packet still to pass
  let header: number[] | null = null; // bytes of a fixed header being read
  return (chunk: Buffer): number | null => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      header ??= [];
      header.push(chunk[i++]!);
      if (header.length === 1) continue; // the packet type byte
      const last = header[header.length - 1]!;
      if (last & 0x80) {
        if (header.length > 4) return Infinity; // a length of more than four bytes is malformed
        continue;
      }
      let length = 0;
      for (let k = header.length - 1; k >= 1; k--) length = length * 128 + (header[k]! & 0x7f);
      header = null;
      if (length > maxBytes) return length;
      skip = length;
    }
    return null;
  };
}

/**
 * The socket as aedes sees it, with the size guard between them: data is inspected on its way in and the
 * socket is destroyed when a packet is too big. Back-pressure is kept (the socket pauses when aedes does).
 */
export function guardConnection(socket: Socket, maxBytes: number, onOversize: (announced: number) => void): Duplex & { remoteAddress?: string } {
  const inspect = packetSizeGuard(maxBytes);
  const conn = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, encoding, cb) {
      socket.write(chunk, encoding, cb);
    },
    final(cb) {
      socket.end(cb);
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  }) as Duplex & { remoteAddress?: string };
  conn.remoteAddress = socket.remoteAddress;
  socket.on('data', (chunk: Buffer) => {
    const over = inspect(chunk);
    if (over !== null) {
      onOversize(over);
      socket.destroy();
      conn.destroy();
      return;
    }
    if (!conn.push(chunk)) socket.pause();
  });
  socket.on('end', () => conn.push(null));
  socket.on('error', (err) => conn.destroy(err));
  socket.on('close', () => conn.destroy());
  return conn;
}
