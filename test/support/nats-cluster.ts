import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Debian package's binary (CI installs `nats-server`); NATS_SERVER_BIN points elsewhere. */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
export const natsServerAvailable = existsSync(NATS_SERVER_BIN);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsNode {
  name: string;
  clientPort: number;
  mqttPort: number;
  monitorPort: number;
  url: string;
  proc: ChildProcess | null;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** all client URLs, comma-separated, as NATS_URL takes them */
  urls: string;
  /** SIGKILL: the node goes away as a crashed machine would */
  kill(i: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real NATS cluster of `size` servers (1: a single server) with JetStream and MQTT, on free loopback ports and temporary store
 * directories, each its own `nats-server -c conf` process. Resolves when every node reports healthy
 * (JetStream included).
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'civicgrid-nats-'));
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort(), mqtt: await freePort(), monitor: await freePort() })));
  const nodes: NatsNode[] = ports.map((p, i) => ({ name: `cg-n${i + 1}`, clientPort: p.client, mqttPort: p.mqtt, monitorPort: p.monitor, url: `nats://127.0.0.1:${p.client}`, proc: null }));
  nodes.forEach((n, i) => {
    const routes = ports.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p.cluster}"`);
    const conf = `server_name: ${n.name}
listen: 127.0.0.1:${n.clientPort}
http: 127.0.0.1:${n.monitorPort}
jetstream { store_dir: "${join(dir, n.name)}", max_memory_store: 64MB, max_file_store: 1GB }
${size > 1 ? `cluster { name: civicgrid-test, listen: 127.0.0.1:${ports[i]!.cluster}, routes: [${routes.join(', ')}] }` : ''}
mqtt { listen: 127.0.0.1:${n.mqttPort}, stream_replicas: ${size} }
`;
    const file = join(dir, `${n.name}.conf`);
    writeFileSync(file, conf);
    n.proc = spawn(NATS_SERVER_BIN, ['-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    // NATS_TEST_LOG=1 keeps each server's log beside its store (the directory is removed at the end otherwise)
    if (process.env.NATS_TEST_LOG) n.proc.stderr!.pipe(createWriteStream(join(tmpdir(), `civicgrid-${n.name}-${process.pid}.log`)));
    else n.proc.stderr!.resume();
  });
  const healthy = async (n: NatsNode) => {
    const r = await fetch(`http://127.0.0.1:${n.monitorPort}/healthz`).catch(() => null);
    return r?.ok ?? false;
  };
  const stopAll = async () => {
    await Promise.all(nodes.map((n) => stopNode(n)));
    rmSync(dir, { recursive: true, force: true });
  };
  // polled here, not with the harness's helper: the benchmark starts its NATS with this too, outside vitest
  const until = Date.now() + 30_000;
  while (!(await Promise.all(nodes.map(healthy))).every(Boolean)) {
    if (Date.now() > until) {
      await stopAll();
      throw new Error('timed out waiting for a healthy NATS cluster');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url).join(','),
    kill: (i) => stopNode(nodes[i]!, 'SIGKILL'),
    stop: stopAll,
  };
}

async function stopNode(n: NatsNode, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const p = n.proc;
  n.proc = null;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill(signal);
  });
}
