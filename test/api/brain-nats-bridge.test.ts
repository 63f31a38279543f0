import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { alarmsOf, connect as mqttConnect, DEMO_DEVICE, DEMO_DEVICE_PASSWORD, eventually, topicOf } from './brain-support.ts';
import { portAnswers } from '../support/port-answers.ts';

const NATS = { host: '127.0.0.1', port: 4222 };

/** CI runs a NATS with JetStream on 4222 (.ci/run); a developer machine may not. */
const natsAnswers = await portAnswers(NATS);
if (!natsAnswers) console.warn(`skipping the NATS bridge test: nothing answers on ${NATS.host}:${NATS.port}`);

/**
 * The embedded broker in front of NATS (NATS_URL, NATS_MQTT_BRIDGE on): devices log in to CivicGrid as
 * before, telemetry goes through the machine's JetStream and back into the pipeline. The server is shared,
 * so this run gets a stream, consumer and subject of its own and removes them afterwards.
 */
// CI provides it (.ci/run): there a missing broker fails the run instead of skipping it
describe.skipIf(!natsAnswers && !process.env.CI)('embedded broker bridged into NATS JetStream (machine NATS)', () => {
  const run = `t${process.pid}${randomBytes(3).toString('hex')}`;
  const names = { NATS_STREAM: `CG_TEST_${run}`, NATS_CONSUMER: `cg-${run}`, NATS_SUBJECT: `cgtest.${run}.*.telemetry` };
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ NATS_URL: `nats://${NATS.host}:${NATS.port}`, MQTT_HOST: '127.0.0.1', ...names });
    const broker = await t.app.brain.startBroker({ port: 0 });
    expect(broker.kind).toBe('nats');
    port = broker.port!;
  });
  afterAll(async () => {
    await t?.close();
    const nc = await connect({ servers: `${NATS.host}:${NATS.port}` });
    await (await nc.jetstreamManager()).streams.delete(names.NATS_STREAM).catch(() => false);
    await nc.close();
  });

  it('a device logged in to CivicGrid: its reading goes through the stream, is stored and raises the alarm', async () => {
    const admin = await t.login('admin');
    const device = await mqttConnect(port, DEMO_DEVICE, DEMO_DEVICE_PASSWORD);
    try {
      await device.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.61 } }), { qos: 1 });
      const d = await eventually(async () => {
        const r = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
        return r.latest.level === 0.61 ? r : null;
      }, 'the reading through NATS');
      expect(d.lastSeen).not.toBeNull();
      const alarm = await eventually(async () => (await alarmsOf(t, admin, DEMO_DEVICE, 'active')).items[0], 'the alarm');
      expect(alarm.type).toBe('water_level_high');
    } finally {
      await device.endAsync();
    }
    // it went through JetStream: the stream stored it, the consumer acked it (work queue: nothing left)
    const nc = await connect({ servers: `${NATS.host}:${NATS.port}` });
    const info = await eventually(async () => {
      const s = await (await nc.jetstreamManager()).streams.info(names.NATS_STREAM);
      return s.state.last_seq >= 1 && s.state.messages === 0 ? s : null;
    }, 'the message acked and removed from the work queue');
    await nc.close();
    expect(info.state.last_seq).toBe(1);
  });
});
