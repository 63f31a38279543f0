/**
 * A citizen who reported from this browser need not type the rating code later: it is kept locally (never sent
 * anywhere but the rating call), at most 20 cases, newest first.
 */
const KEY = 'civicgrid.myReports';

interface Saved {
  code: string;
  token: string;
}

function read(): Saved[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v.filter((x) => x && typeof x.code === 'string' && typeof x.token === 'string') as Saved[]) : [];
  } catch {
    return [];
  }
}

export function rememberToken(code: string, token: string): void {
  const list = [{ code, token }, ...read().filter((x) => x.code !== code)].slice(0, 20);
  localStorage.setItem(KEY, JSON.stringify(list));
}

export function rememberedToken(code: string): string | null {
  return read().find((x) => x.code === code)?.token ?? null;
}
