/**
 * A load generator in its own process, so a benchmark measures the server and not its own HTTP client.
 * Started by `startLoadClient` with a job on argv; prints one JSON line of figures and exits.
 * Keep-alive sockets, one per concurrent client, as a hotline floor's desks or an integrator's pool would hold.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadJob {
  url: string;
  token: string;
  /** request bodies, sent round-robin */
  bodies: string[];
  total: number;
  concurrency: number;
  timeLimitMs: number;
  /** the status a request must answer with to count as done */
  expectStatus: number;
}

export interface LoadFigures {
  done: number;
  errors: number;
  ms: number;
  p50: number;
  p99: number;
  /** CPU of the load generator itself per request (user + system) */
  clientCpuMsPerRequest: number;
  firstError?: string;
}

async function runJob(job: LoadJob): Promise<LoadFigures> {
  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${job.token}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (next < job.total && performance.now() - start < job.timeLimitMs) {
      const i = next++;
      const t0 = performance.now();
      try {
        const res = await post(job.bodies[i % job.bodies.length]!);
        if (res.status !== job.expectStatus) {
          errors++;
          firstError ??= `${res.status} ${res.text.slice(0, 300)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    done: latencies.length,
    errors,
    ms,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    clientCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    firstError,
  };
}

/** Runs `job` in a child process and resolves with its figures. */
export function startLoadClient(job: LoadJob): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as LoadFigures));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load client exited with ${code}`))));
    child.send(job);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', async (job) => {
    const figures = await runJob(job as LoadJob);
    process.send!(figures, () => process.exit(0));
  });
}
