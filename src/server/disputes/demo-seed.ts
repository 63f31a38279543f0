import { systemActor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import type { FieldworkService } from '../fieldwork/service.ts';
import { seededRandom } from '../random.ts';
import type { RiskService } from '../risk/service.ts';
import { tinyJpeg } from '../storage/sample-images.ts';
import { createDisputesDemoStore } from './demo-store.ts';
import type { DisputeService } from './service.ts';

const DAY_MS = 86_400_000;

/**
 * Demo disputes, one active cluster warning and a grid with overdue visits, written through the services (the
 * same front door as real data). Only for `npm start` in demo mode: the test template stays without them, so
 * tests that count cases keep their numbers. Deterministic: fixed points and texts, picked with the seeded PRNG.
 */
export async function seedDisputesDemo(
  deps: Deps,
  { cases, disputes: { disputes, risk, fieldwork } }: { cases: CaseService; disputes: { disputes: DisputeService; risk: RiskService; fieldwork: FieldworkService } },
): Promise<void> {
  const { db } = deps;
  const store = createDisputesDemoStore();
  const rnd = seededRandom(1616);
  const actor = systemActor(await store.cityPath(db), 'seed');
  const grids = await store.gridCentres(db, 40);
  const at = (i: number) => grids[i % grids.length]!;
  const past = (days: number) => new Date(deps.clock.now().getTime() - days * DAY_MS);

  const specs = [
    { text: '楼上装修噪音扰民，双方多次争吵', category: '1501', type: 'neighbour', risk: 'medium', steps: 0 },
    { text: '物业费上涨引发业主与物业矛盾', category: '1501', type: 'property', risk: 'high', steps: 1 },
    { text: '兄弟分家析产纠纷，老人赡养问题', category: '1502', type: 'family', risk: 'low', steps: 2 },
    { text: '宅基地界址争议，双方各执一词', category: '1503', type: 'land', risk: 'high', steps: 3 },
  ] as const;
  for (const [i, s] of specs.entries()) {
    const g = at(i * 3 + Math.floor(rnd() * 3));
    const d = await disputes.create(actor, {
      text: s.text,
      category: s.category,
      type: s.type,
      riskLevel: s.risk,
      mediator: { kind: i % 2 ? 'judicial' : 'people_mediator', name: i % 2 ? '司法所调解员' : '人民调解员老周' },
      parties: [{ role: 'applicant', name: ['王建国', '李秀英', '张伟', '刘芳'][i]! }, { role: 'respondent', name: ['赵强', '陈静', '杨磊', '黄敏'][i]! }],
      lon: g.lon,
      lat: g.lat,
    });
    const code = d.row.code;
    if (s.steps >= 1) await disputes.session(actor, code, { heldAt: deps.clock.now().toISOString(), place: '社区调解室', attendees: ['双方当事人', '调解员'], minutes: '听取双方陈述，约定下次调解', attachments: [] });
    if (s.steps === 2) {
      const scan = await cases.attachments.add(actor, code, { fileName: 'agreement.jpg', bytes: tinyJpeg({ gps: false }) });
      await disputes.outcome(actor, code, { kind: 'agreement', agreementText: '双方同意按协议分配，并共同承担赡养义务', signedScan: scan.id });
    }
    if (s.steps === 3) await disputes.outcome(actor, code, { kind: 'handover', handoverTo: 'court', receivingBody: '东城区人民法院诉调对接中心', reason: '调解未果，当事人要求诉讼' });
  }

  // one active cluster: six 道路不洁 appeals at one corner within hours, where nothing was reported before
  const spot = at(30);
  for (let i = 0; i < 6; i++) await cases.intake(actor, { channel: 'hotline', text: `路口垃圾散落、道路脏乱无人清扫（第${i + 1}次反映）`, category: '0102', lon: spot.lon + i * 1e-5, lat: spot.lat });
  await risk.scan();

  // a grid with overdue visits: its special-care people were last visited three weeks ago
  for (const p of await store.peopleWithVisitCycle(db, 3)) await fieldwork.recordVisit(actor, { personId: p.id, note: '例行走访' }, { at: past(21) });
}
