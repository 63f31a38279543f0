import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client.ts';
import type { UiConfig } from '../api/types.ts';

const fallback: UiConfig = { mapTileUrl: null, mapAttribution: null, mapPmtilesUrl: null, mode: null, demoAccounts: [], demoPassword: null, serverTime: '' };
const UiConfigContext = createContext<UiConfig>(fallback);

/** Difference between the server's clock and this PC's, so deadline clocks count on server time. */
let serverOffsetMs = 0;
export const serverNow = () => Date.now() + serverOffsetMs;

export function UiConfigProvider({ children }: { children: ReactNode }) {
  const [config, setConfig] = useState<UiConfig>(fallback);
  useEffect(() => {
    const sent = Date.now();
    api
      .get<UiConfig>('/api/v1/ui/config', undefined, { anonymous: true })
      .then((c) => {
        // Half the round trip is the best guess of when the server read its clock.
        serverOffsetMs = Date.parse(c.serverTime) - (sent + (Date.now() - sent) / 2);
        setConfig(c);
      })
      // Without the server's settings the console still works: offline map, PC clock.
      .catch(() => setConfig({ ...fallback, serverTime: new Date().toISOString() }));
  }, []);
  return <UiConfigContext.Provider value={config}>{children}</UiConfigContext.Provider>;
}

export const useUiConfig = () => useContext(UiConfigContext);
