import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError, invalid } from '../errors.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { createTriageEngine, type TriageEngine, type TriageResult } from './engine.ts';
import { NATURE_CODES, type NatureCode } from './nature.ts';
import { createTriageStore, type LabelledText } from './store.ts';
import { modelKey, restoreEngine, restoreSnapshot, snapshotEngine } from './snapshot.ts';
import type { TriageModelSource } from './worker.ts';
import { normalize, warmSegmenter } from './text.ts';

export interface Duplicate {
  caseCode: string;
  score: number;
}

export interface TriageServiceOptions {
  taxonomy: Taxonomy;
  /** near-duplicate open cases (the case store answers this once cases exist) */
  findDuplicates?: (q: { text: string; lon: number; lat: number; category?: string | null; scopePath: string }) => Promise<Duplicate[]>;
  /** how many recently closed cases of the city join the training set at boot */
  historyLimit?: number;
  /** how often (ms) to pick up corrections other nodes stored */
  syncEveryMs?: number;
}

const isNature = (n: string | null | undefined): n is NatureCode => !!n && (NATURE_CODES as readonly string[]).includes(n);

/**
 * Triage behind the API: trains at boot from the taxonomy examples, the shipped appeals and the city's own
 * closed cases, replays every stored dispatcher correction, and keeps learning as corrections arrive, from
 * this node directly and from other nodes through the corrections table.
 */
export function createTriageService(deps: Deps, opts: TriageServiceOptions) {
  const { db, clock, audit } = deps;
  const store = createTriageStore();
  const syncEveryMs = opts.syncEveryMs ?? 5_000;
  let engine: TriageEngine | null = null;
  let lastSeen = 0;
  let lastSync = 0;
  const ownIds = new Set<number>();

  const learnAll = (e: TriageEngine, rows: LabelledText[]) => {
    for (const r of rows) {
      if (!opts.taxonomy.category(r.category)) continue; // a category retired since: nothing to learn
      e.learn(r.text, r.category, isNature(r.nature) ? r.nature : undefined);
    }
  };

  // Training is CPU work of seconds; it starts on first use or when the server warms it at boot, never as a
  // side effect of building the app (tests build many apps that never triage).
  let building: Promise<TriageEngine> | undefined;
  const ready = (source?: TriageModelSource) => (building ??= build(source));
  const build = async (source?: TriageModelSource): Promise<TriageEngine> => {
    const started = Date.now();
    const history = await store.closedCaseExamples(db, opts.historyLimit ?? 5_000);
    const known = history.filter((h) => opts.taxonomy.category(h.category));
    const corrections: LabelledText[] = [];
    for (;;) {
      const rows = await store.correctionsAfter(db, corrections.at(-1)?.id ?? 0);
      if (rows.length === 0) break;
      corrections.push(...rows);
    }
    // Same inputs, same model: a restart (or another node, or a test app cloned from the template) loads it.
    const key = modelKey(opts.taxonomy, [opts.historyLimit ?? 5_000, known, corrections]);
    let e: TriageEngine | null = null;
    let loaded = false;
    // the worker's copy of the last model (decoded while the database was opening): no 26 MB read
    const asked = source ? source.cached(key).catch(() => null) : null;
    warmSegmenter(); // on this thread while the worker decodes: the two overlap instead of adding up
    const cached = asked ? await asked : null;
    if (cached) {
      try {
        e = restoreSnapshot(opts.taxonomy, cached);
        loaded = true;
      } catch (err) {
        deps.logger.warn({ err }, 'triage: cached model unreadable, reading the stored one');
      }
    }
    const saved = e ? null : await store.loadModel(db, key);
    if (saved) {
      try {
        e = restoreEngine(opts.taxonomy, saved);
        loaded = true;
        source?.remember(key, saved);
      } catch (err) {
        deps.logger.warn({ err }, 'triage: stored model unreadable, retraining');
      }
    }
    if (!e && source) {
      // first boot or new inputs: the worker trains, the main thread keeps answering (503 server.warming)
      const bytes = await source.train(key, known, corrections).catch((err: unknown) => {
        deps.logger.warn({ err }, 'triage: the worker could not train; training here');
        return null;
      });
      if (bytes) {
        e = restoreEngine(opts.taxonomy, bytes);
        try {
          await store.saveModel(db, key, bytes, clock.now());
        } catch (err) {
          deps.logger.warn({ err }, 'triage: model trained but not saved; the next start retrains');
        }
      }
    }
    if (!e) {
      e = createTriageEngine({
        taxonomy: opts.taxonomy,
        extraExamples: known.filter((h) => isNature(h.nature)).map((h) => ({ text: h.text, category: h.category, nature: h.nature as NatureCode })),
      });
      learnAll(e, known.filter((h) => !isNature(h.nature)));
      learnAll(e, corrections);
      try {
        await store.saveModel(db, key, snapshotEngine(e), clock.now());
      } catch (err) {
        deps.logger.warn({ err }, 'triage: model trained but not saved; the next start retrains');
      }
    }
    lastSeen = corrections.at(-1)?.id ?? 0;
    await catchUp(e);
    engine = e;
    deps.logger.info({ loaded, ms: Date.now() - started }, 'triage model ready');
    return e;
  };

  async function catchUp(e: TriageEngine) {
    for (;;) {
      const rows = await store.correctionsAfter(db, lastSeen);
      if (rows.length === 0) break;
      learnAll(e, rows.filter((r) => !ownIds.has(r.id!)));
      lastSeen = rows[rows.length - 1]!.id!;
    }
    lastSync = Date.now();
  }

  async function current(): Promise<TriageEngine> {
    const e = await ready();
    if (Date.now() - lastSync > syncEveryMs) await catchUp(e);
    return e;
  }

  return {
    /**
     * Builds the model now (the server calls this at boot so the first appeal is not kept waiting); with a
     * source (the triage worker, worker.ts) the decoding and any training happen off the main thread.
     */
    async warm(source?: TriageModelSource): Promise<void> {
      try {
        await ready(source);
      } catch (err) {
        building = undefined; // a later call retries
        deps.logger.error({ err }, 'triage model failed to build');
      }
    },

    /** Whether the model is built (readiness: /readyz lists triage as warming until then). */
    isReady: (): boolean => engine !== null,

    /** For intake: the classification if the model is ready, else null (the case then waits for a dispatcher). */
    classifyNow(text: string): TriageResult | null {
      return engine ? engine.classify(text) : null;
    },

    async triage(actor: Actor, input: { text: string; lon?: number; lat?: number }) {
      assertCan(actor, 'triage.use');
      if ((input.lon === undefined) !== (input.lat === undefined)) throw invalid('triage.bad_location', 'send both lon and lat, or neither');
      const e = await current();
      const r = e.classify(input.text, { explain: true });
      const duplicates =
        input.lon !== undefined && opts.findDuplicates
          ? await opts.findDuplicates({ text: input.text, lon: input.lon, lat: input.lat!, category: r.category.code, scopePath: actor.scopePath })
          : [];
      return {
        category: r.category,
        department: r.department,
        nature: { code: r.nature.code, confidence: r.nature.confidence },
        urgent: r.urgent,
        urgentCues: r.urgentCues,
        alternatives: r.alternatives.map((a) => ({ code: a.code, name: a.name, confidence: a.confidence })),
        autoDispatch: r.autoDispatch,
        threshold: r.dispatchGate.threshold,
        dispatchGate: r.dispatchGate,
        ...(r.secondary ? { secondary: r.secondary } : {}),
        ...(r.explanation ? { explanation: r.explanation } : {}),
        duplicates,
      };
    },

    /** 纠错: a dispatcher says what the category really is; stored, audited and learned at once. */
    async correct(actor: Actor, input: { text: string; category: string; nature?: string; caseCode?: string }) {
      assertCan(actor, 'case.dispatch');
      if (!opts.taxonomy.category(input.category)) throw invalid('triage.unknown_category', `category ${input.category} does not exist`);
      if (input.nature !== undefined && !isNature(input.nature)) throw invalid('triage.unknown_nature', `nature ${input.nature} does not exist`);
      const e = await current();
      const predicted = e.classify(input.text).category.code;
      const now = clock.now();
      const text = normalize(input.text);
      if (!text) throw invalid('triage.empty_text', 'the text has nothing to learn from');
      const id = await db.transaction().execute(async (tx) => {
        const newId = await store.insertCorrection(tx, {
          text,
          category: input.category,
          nature: input.nature ?? null,
          predicted_category: predicted,
          case_code: input.caseCode ?? null,
          actor_id: actor.id,
          created_at: now,
        });
        await audit.record(tx, now, actor, 'triage.correct', { type: 'triage_correction', id: String(newId) }, { from: predicted, to: input.category, caseCode: input.caseCode ?? null });
        return newId;
      });
      ownIds.add(id);
      e.learn(text, input.category, input.nature as NatureCode | undefined);
      const after = e.classify(input.text);
      return { id, predicted, category: input.category, nowPredicted: after.category.code };
    },

    async status(actor: Actor) {
      assertCan(actor, 'triage.use');
      const e = await ready().catch(() => {
        throw new AppError(503, 'triage.unavailable', 'the triage model could not be built');
      });
      const g = e.gate;
      return {
        trainingSize: e.trainingSize,
        threshold: g.threshold,
        precisionAtThreshold: g.precision,
        coverageAtThreshold: g.coverage,
        temperature: e.calibration.temperature,
        gate: { threshold: g.threshold, perCategory: g.perCategory, precision: g.precision, coverage: g.coverage, n: g.n, source: g.source },
      };
    },
  };
}

export type TriageService = ReturnType<typeof createTriageService>;
