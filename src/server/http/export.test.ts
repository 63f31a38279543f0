import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installProblemHandlers } from './problem.ts';
import { sendExport } from './export.ts';

/** The helper's edges that the API tests cannot reach cheaply: the row cap and spreadsheet-formula text. */
describe('export helper', () => {
  const rows = ['=HYPERLINK("http://x")', '+1', 'plain, with comma'];
  const app = Fastify();
  installProblemHandlers(app);
  app.get('/list', async (req, reply) => {
    const limit = Number((req.query as { limit?: string }).limit ?? 10);
    return sendExport(req, reply, {
      format: 'csv',
      name: 'things',
      limit,
      columns: [{ zh: '名称', en: 'Name', value: (r: string) => r }],
      present: (r: string) => r,
      fetchPage: async (page, pageSize) => ({ items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length, page, pageSize }),
    });
  });

  it('refuses more rows than the cap as problem+json before sending a byte of file', async () => {
    const res = await app.inject('/list?limit=2');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'export.too_many_rows', total: 3, limit: 2 });
  });

  it('writes formula-looking text as text and quotes commas', async () => {
    const res = await app.inject('/list');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('\uFEFF名称\r\n"\'=HYPERLINK(""http://x"")"\r\n\'+1\r\n"plain, with comma"\r\n');
  });
});
