/** The database thread itself (pglite-thread.ts is the main thread's side of it). */
import { PGlite } from '@electric-sql/pglite';
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { failure, type Reply } from '../threads.ts';
import { pgliteExtensions, typeParsers } from './pglite-options.ts';
import type { DatabaseThreadData as Data, DatabaseThreadNotification as Notification, DatabaseThreadRequest as Request } from './pglite-thread.ts';

function runDatabaseThread(port: MessagePort, data: Data): void {
  const opening = PGlite.create({ dataDir: data.dataDir, extensions: pgliteExtensions, parsers: typeParsers });
  opening.catch(() => {}); // reported to the 'open' request
  const unlisten = new Map<string, () => Promise<void>>();
  // one request at a time, in arrival order: PGlite is one connection, and the pool already serialises holders
  let tail: Promise<void> = Promise.resolve();
  port.on('message', (req: Request) => {
    tail = tail.then(async () => {
      try {
        const db = await opening;
        let value: unknown = null;
        if (req.op === 'query') {
          const r = await db.query(req.sql, req.params);
          value = { rows: r.rows, affectedRows: r.affectedRows };
        } else if (req.op === 'exec') {
          value = (await db.exec(req.sql)).map((r) => ({ rows: r.rows, affectedRows: r.affectedRows }));
        } else if (req.op === 'listen') {
          const channel = req.channel;
          if (!unlisten.has(channel)) unlisten.set(channel, await db.listen(channel, (payload) => port.postMessage({ notify: channel, payload } satisfies Notification)));
        } else if (req.op === 'unlisten') {
          await unlisten.get(req.channel)?.();
          unlisten.delete(req.channel);
        } else if (req.op === 'close') {
          await db.close();
        }
        port.postMessage({ id: req.id, ok: true, value } satisfies Reply);
      } catch (err) {
        port.postMessage(failure(req.id, err));
      }
    });
  });
}

if (!isMainThread && parentPort && (workerData as Data | undefined)?.civicgridPgliteThread) runDatabaseThread(parentPort, workerData as Data);
