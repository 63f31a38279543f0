import Fastify, { type FastifyBaseLogger } from 'fastify';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { installProblemHandlers } from './problem.ts';

describe('problem handler', () => {
  it('turns an unexpected error into a generic 500 that leaks nothing, and logs it scrubbed', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const app = Fastify({ loggerInstance: createLogger('error', sink) as FastifyBaseLogger });
    installProblemHandlers(app);
    app.get('/boom', async () => {
      throw new Error('db password hunter2 near caller 13812345678');
    });
    app.get('/known', async () => {
      throw new AppError(409, 'case.conflict', 'someone else changed it', { current: 'filed' });
    });
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 500, code: 'server.error' });
    expect(res.body).not.toContain('hunter2');
    expect(res.json().requestId).toBeTruthy();
    expect(lines.join('')).toContain('hunter2'); // the operator still sees what failed…
    expect(lines.join('')).not.toContain('13812345678'); // …but not the caller's phone

    const known = await app.inject('/known');
    expect(known.json()).toEqual({ type: 'https://civicgrid.org/problems/case/conflict', title: 'Conflict', status: 409, detail: 'someone else changed it', code: 'case.conflict', current: 'filed' });
    await app.close();
  });
});
