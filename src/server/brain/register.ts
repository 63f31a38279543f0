import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/service.ts';
import { alarmRoutes } from './alarms/routes.ts';
import type { Brain } from './brain.ts';
import { deviceRoutes } from './devices/routes.ts';
import { deviceTypeRoutes } from './devices/type-routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** the City Brain of this app: `main.ts` starts its broker and sweeper, tests drive it directly */
    brain: Brain;
  }
}

/**
 * Wires the City Brain (built once in services.ts) into the app: loads devices, rules and active alarms, registers the routes, and flushes
 * everything acknowledged when the app closes. The broker and the sweeper start only with the server
 * (`startBrainServices`), so building an app in a test opens no port.
 */
export async function registerBrain(app: FastifyInstance, brain: Brain, auth: AuthService): Promise<Brain> {
  await brain.load();
  app.decorate('brain', brain);
  app.addHook('onClose', () => brain.close());
  await app.register(deviceTypeRoutes(brain));
  await app.register(deviceRoutes(brain));
  await app.register(alarmRoutes(brain, auth));
  return brain;
}

/** `civicgrid start`: the MQTT broker (embedded on MQTT_PORT, or MQTT_URL) and the background sweeper. */
export async function startBrainServices(app: FastifyInstance, mqttPort: number): Promise<void> {
  if (!app.hasDecorator('brain')) return;
  try {
    await app.brain.startBroker();
  } catch (err) {
    // Another broker (often a system Mosquitto) holds the port. The platform stays useful without MQTT
    // (HTTP telemetry, cases, everything else), so say exactly how to fix it instead of refusing to start.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    app.log.error(
      `MQTT port ${mqttPort} is already in use: the embedded broker is NOT running. ` +
        'Set MQTT_URL=mqtt://host:port to use that broker, or MQTT_PORT to another port for the embedded one.',
    );
  }
  app.brain.startBackground();
}
