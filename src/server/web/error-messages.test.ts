import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMessageKey } from '../../../web/src/i18n/i18n.ts';

/** The console shows problem+json codes as readable text; this keeps the dictionary in step with the server. */
describe('console error messages', () => {
  it('translates every error code the server can send to the screens people use', () => {
    // Codes are the i18n keys (src/server/errors.ts): a new code without a message here fails this test.
    const codes = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          const src = readFileSync(full, 'utf8');
          for (const m of src.matchAll(/(?:AppError\(\d{3},\s*|(?:invalid|conflict)\(|requireText\([^,]+,\s*)'([a-z0-9_]+\.[a-z0-9_.]+)'/g)) codes.add(m[1]!);
        }
      }
    };
    const server = new URL('../', import.meta.url).pathname;
    for (const capability of ['auth', 'cases', 'dispatch', 'geo', 'registry', 'http', 'storage', 'web']) walk(join(server, capability));
    const missing = [...codes].filter((c) => !isMessageKey(`error.${c}`) && !c.endsWith('.not_found'));
    expect(missing).toEqual([]);
  });
});
