/** Measuring helpers shared by the benchmarks: where the machine's CPU went, and an optional CPU profile. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) used so far by every process named `postgres` on this machine, from /proc: the
 * share of a run that the database server spent, when it runs on the same machine (loopback). 0 without /proc.
 */
export function postgresCpuMs(): number {
  let ticks = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      // fields after the command: state is field 3, utime 14, stime 15 (1-based, man 5 proc)
      const rest = stat.slice(close + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      // the process ended between listing and reading
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** With BENCH_PROFILE=DIR, records a CPU profile of this process over the measured window only. */
export async function startProfiler(): Promise<{ stop(label: string): Promise<void> } | null> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      const file = `${dir}/${label.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile: ${file}`);
    },
  };
}
