import { assertCan, can, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import { AppError, forbidden, invalid, notFound } from '../../errors.ts';
import type { Page } from '../../../../shared/paging.ts';
import { columnName, mapHeaders, registryTypes, rowInput, type RegistryType, type RowError } from './columns.ts';
import { rowError } from './row-errors.ts';
import { detectFormat, readSheet, UnreadableFile, type ImportFormat } from './parse.ts';
import { createPipeline } from './pipelines.ts';
import { createImportStore, type ImportJobRow, type ImportState, type ImportType } from './store.ts';
import { auditor } from '../crud/service.ts';

export const importTypes: ImportType[] = [...registryTypes, 'grids'];

/** The report keeps the first thousand problems; `errorCount` says how many there were in all. */
export const MAX_REPORTED_ERRORS = 1_000;

export interface ImportFile {
  filename: string;
  bytes: Buffer;
  format?: ImportFormat;
}

export interface ImportProgress {
  state: ImportState;
  processed: number;
  total: number;
}

export interface ImportOutcome {
  jobId: string;
  state: 'done' | 'failed';
  total: number;
  imported: number;
  errorCount: number;
  errors: RowError[];
  message: string;
}

/** What a running job looks like from outside, served from memory while this node works on it. */
type LiveJob = ImportJobRow;

const PROGRESS_EVERY = 500;

/** Whoever may import something may follow imports: registry importers and grid managers. */
function mayFollow(actor: Actor) {
  if (!can(actor, 'registry.import') && !can(actor, 'geo.manage')) throw forbidden('registry.import');
}

/**
 * 批量导入: parse → validate every row → import all in one transaction, or nothing. Each import is a job row
 * the console polls. While a job runs, its progress lives in this node's memory: the rows go in within one
 * long transaction, and on PGlite (one connection) nothing outside that transaction could read or write the
 * job table until it commits. The final state commits together with the data.
 */
export function createImportService(deps: Deps, services: { geo: Pick<GeoService, 'locate' | 'importGridsReport'> }) {
  const jobs = createImportStore();
  const record = auditor(deps);
  const { db, clock } = deps;
  const live = new Map<string, LiveJob>();
  const running = new Set<Promise<unknown>>();

  function progress(job: LiveJob, patch: Partial<LiveJob>, onProgress?: (p: ImportProgress) => void) {
    Object.assign(job, patch);
    onProgress?.({ state: job.state, processed: job.processed_rows, total: job.total_rows });
  }

  function finish(job: LiveJob, state: 'done' | 'failed', errors: RowError[], message: string): ImportOutcome {
    return {
      jobId: job.id,
      state,
      total: job.total_rows,
      imported: job.imported_rows,
      errorCount: job.error_count,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      message,
    };
  }

  async function fail(job: LiveJob, errors: RowError[], message: string, onProgress?: (p: ImportProgress) => void): Promise<ImportOutcome> {
    const sorted = [...errors].sort((a, b) => a.row - b.row);
    progress(job, { state: 'failed', error_count: sorted.length, errors: sorted.slice(0, MAX_REPORTED_ERRORS), message, finished_at: clock.now() }, onProgress);
    await jobs.update(db, job.id, { state: 'failed', total_rows: job.total_rows, processed_rows: job.processed_rows, imported_rows: 0, error_count: sorted.length, errors: job.errors, message, finished_at: job.finished_at });
    return finish(job, 'failed', sorted, message);
  }

  /** Grids go to the geo capability's importer; its per-feature errors become report rows (feature n). */
  async function runGrids(actor: Actor, job: LiveJob, file: ImportFile, onProgress?: (p: ImportProgress) => void): Promise<ImportOutcome> {
    let fc: unknown;
    try {
      fc = JSON.parse(file.bytes.toString('utf8'));
    } catch {
      return fail(job, [{ row: 0, column: '', reason: 'the GeoJSON is not valid JSON', code: 'registry.import.bad_json' }], 'unreadable file', onProgress);
    }
    const total = Array.isArray((fc as { features?: unknown[] })?.features) ? (fc as { features: unknown[] }).features.length : 0;
    progress(job, { total_rows: total }, onProgress);
    try {
      const result = await services.geo.importGridsReport(actor, fc, { onProgress: (p) => progress(job, { state: p.phase === 'write' ? 'importing' : 'validating', processed_rows: p.done, total_rows: p.total }, onProgress) });
      if (result.errors.length) {
        // The geo importer's reasons are its own English text; the code marks them, the reason is the param.
        const bad = result.errors.map((e): RowError => ({ row: e.index + 1, column: e.code ?? 'feature', reason: e.reason, code: 'registry.import.bad_feature', params: { reason: e.reason } }));
        return fail(job, bad, `${result.errors.length} bad features; nothing imported`, onProgress);
      }
      progress(job, { state: 'done', processed_rows: total, imported_rows: result.imported, finished_at: clock.now() }, onProgress);
      await jobs.update(db, job.id, { state: 'done', total_rows: total, processed_rows: total, imported_rows: result.imported, message: `${result.created} created, ${result.updated} redrawn`, finished_at: job.finished_at });
      return finish(job, 'done', [], `${result.imported} grids imported`);
    } catch (err) {
      if (err instanceof AppError) return fail(job, [{ row: 0, column: '', reason: err.message, code: 'registry.import.bad_feature', params: { reason: err.message } }], err.message, onProgress);
      throw err;
    }
  }

  async function runRegistry(actor: Actor, type: RegistryType, job: LiveJob, file: ImportFile, onProgress?: (p: ImportProgress) => void): Promise<ImportOutcome> {
    let sheet;
    try {
      sheet = await readSheet(file.bytes, job.format);
    } catch (err) {
      if (err instanceof UnreadableFile) return fail(job, [{ row: 0, column: '', reason: err.message, code: err.code }], 'unreadable file', onProgress);
      throw err;
    }
    progress(job, { total_rows: sheet.rows.length }, onProgress);
    if (sheet.rows.length === 0) return fail(job, [{ row: 1, column: '', reason: 'the file has a header row but no data rows', code: 'registry.import.empty_file' }], 'empty file', onProgress);
    const mapped = mapHeaders(type, sheet);
    if (mapped.errors.length) return fail(job, mapped.errors, 'the header row does not match this import type', onProgress);

    // 1. Each row on its own: cell types, then the same zod schema the API uses.
    const errors: RowError[] = [];
    const candidates: { row: number; input: unknown }[] = [];
    for (const r of sheet.rows) {
      const res = rowInput(type, mapped, r);
      if ('errors' in res) errors.push(...res.errors);
      else candidates.push({ row: r.row, input: res.input });
    }

    // 2. Business rules (ID checksum, credit code, grid in scope, location…) with lookups preloaded in bulk.
    const pipeline = createPipeline(deps, services.geo, actor, type);
    await pipeline.preload(candidates.map((c) => c.input));
    const prepared: { row: number; value: unknown }[] = [];
    let processed = errors.length ? sheet.rows.length - candidates.length : 0;
    for (const c of candidates) {
      const res = await pipeline.prepare(c.input);
      if (res.ok) prepared.push({ row: c.row, value: res.value });
      else errors.push(...res.errors.map((e) => rowError(c.row, columnName(mapped, e.field), e)));
      if (++processed % PROGRESS_EVERY === 0) progress(job, { processed_rows: processed }, onProgress);
    }

    // 3. Duplicates inside the file, then against what is already registered.
    const firstRow = new Map<string, number>();
    const keyed: { row: number; key: string }[] = [];
    for (const p of prepared) {
      const key = pipeline.key(p.value);
      if (key === null) continue;
      const seen = firstRow.get(key);
      if (seen !== undefined) errors.push({ row: p.row, column: columnName(mapped, pipeline.keyField), reason: `the same record as row ${seen}`, code: 'registry.import.duplicate_in_file', params: { firstRow: seen } });
      else {
        firstRow.set(key, p.row);
        keyed.push({ row: p.row, key });
      }
    }
    const existing = await pipeline.existing(keyed.map((k) => k.key));
    for (const k of keyed) if (existing.has(k.key)) errors.push({ row: k.row, column: columnName(mapped, pipeline.keyField), reason: 'already registered', code: 'registry.import.already_registered' });
    progress(job, { processed_rows: sheet.rows.length }, onProgress);
    if (errors.length) return fail(job, errors, `${new Set(errors.map((e) => e.row)).size} of ${sheet.rows.length} rows have problems; nothing imported`, onProgress);

    // 4. All or nothing: one transaction, batched inserts, the audit entry and the job's final state with it.
    progress(job, { state: 'importing', processed_rows: 0 }, onProgress);
    const message = `${prepared.length} rows imported`;
    await db.transaction().execute(async (tx) => {
      await pipeline.insert(
        tx,
        prepared.map((p) => p.value),
        (n) => progress(job, { processed_rows: job.processed_rows + n }, onProgress),
      );
      await record(tx, actor, `${type}.import`, 'import', job.id, { type, filename: job.filename, rows: prepared.length });
      await jobs.update(tx, job.id, { state: 'done', total_rows: prepared.length, processed_rows: prepared.length, imported_rows: prepared.length, message, finished_at: clock.now() });
    });
    progress(job, { state: 'done', imported_rows: prepared.length, processed_rows: prepared.length, message, finished_at: clock.now() }, onProgress);
    return finish(job, 'done', [], message);
  }

  async function begin(actor: Actor, type: ImportType, file: ImportFile): Promise<LiveJob> {
    assertCan(actor, type === 'grids' ? 'geo.manage' : 'registry.import');
    if (!importTypes.includes(type)) throw invalid('import.unknown_type', `type must be one of ${importTypes.join(', ')}`);
    const format = file.format ?? detectFormat(file.filename, file.bytes);
    if (!format) throw invalid('import.unknown_format', 'send a .csv, .xlsx or .geojson file');
    if (type === 'grids' && format !== 'geojson') throw invalid('import.unknown_format', 'grids are imported from a GeoJSON FeatureCollection');
    const job = await jobs.create(db, {
      type,
      filename: file.filename.slice(0, 200),
      format,
      state: 'validating',
      total_rows: 0,
      processed_rows: 0,
      imported_rows: 0,
      error_count: 0,
      message: '',
      actor_id: actor.id,
      actor: actor.username,
      scope_path: actor.scopePath,
      created_at: clock.now(),
      finished_at: null,
    });
    live.set(job.id, job);
    return job;
  }

  async function execute(actor: Actor, type: ImportType, job: LiveJob, file: ImportFile, onProgress?: (p: ImportProgress) => void): Promise<ImportOutcome> {
    try {
      return type === 'grids' ? await runGrids(actor, job, file, onProgress) : await runRegistry(actor, type, job, file, onProgress);
    } catch (err) {
      // An unexpected failure (database gone, a bug) still ends the job, so the console stops waiting.
      deps.logger.error({ err, jobId: job.id }, 'import failed');
      return fail(job, [{ row: 0, column: '', reason: 'the import stopped on a server error; nothing was imported', code: 'registry.import.server_error' }], 'server error', onProgress).catch(() => finish(job, 'failed', [], 'server error'));
    } finally {
      live.delete(job.id);
    }
  }

  return {
    /** Starts an import in the background and returns its job at once (the console polls `get`). */
    async start(actor: Actor, type: ImportType, file: ImportFile): Promise<ImportJobRow> {
      const job = await begin(actor, type, file);
      const snapshot = { ...job };
      const task = execute(actor, type, job, file).finally(() => running.delete(task));
      running.add(task);
      return snapshot;
    },

    /** Runs an import to the end (CLI, benchmarks), reporting progress as it goes. */
    async run(actor: Actor, type: ImportType, file: ImportFile, onProgress?: (p: ImportProgress) => void): Promise<ImportOutcome> {
      const job = await begin(actor, type, file);
      return execute(actor, type, job, file, onProgress);
    },

    async get(actor: Actor, id: string): Promise<ImportJobRow> {
      mayFollow(actor);
      const current = live.get(id);
      // A running job is read from memory (see above): the store's scope predicate cannot run while the
      // import holds PGlite's one connection, so the job's scope path is compared with the same ltree
      // semantics (equal, or a descendant) here. A finished job is read through the store.
      if (current && (current.scope_path === actor.scopePath || current.scope_path.startsWith(`${actor.scopePath}.`))) return { ...current };
      const job = current ? undefined : await jobs.find(db, id, actor.scopePath);
      if (!job) throw notFound('import', id);
      return job;
    },

    async list(actor: Actor, page: number, pageSize: number): Promise<Page<ImportJobRow>> {
      mayFollow(actor);
      const [items, total] = await jobs.list(db, actor.scopePath, page, pageSize);
      return { items: items.map((j) => ({ ...j, ...(live.get(j.id) ?? {}) })), total, page, pageSize };
    },

    /** Resolves when no import is running (graceful shutdown, tests). */
    async idle(): Promise<void> {
      while (running.size) await Promise.allSettled([...running]);
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
