import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, getToken, onSessionEnded, setToken } from '../api/client.ts';
import type { Me } from '../api/types.ts';
import { navigate } from '../router.tsx';
import { serverNow, useUiConfig } from './ui-config.tsx';

type Status = 'loading' | 'signed_in' | 'signed_out';

interface SessionValue {
  status: Status;
  me: Me | null;
  can(permission: string): boolean;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

function toLogin(reason: 'expired' | 'signed_out') {
  const here = window.location.pathname + window.location.search;
  const next = reason === 'expired' && !here.startsWith('/login') ? `&next=${encodeURIComponent(here)}` : '';
  navigate(`/login?reason=${reason}${next}`, { replace: true });
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<Status>(getToken() ? 'loading' : 'signed_out');

  useEffect(() => {
    if (!getToken()) return;
    api
      .get<Me>('/api/v1/auth/me')
      .then((m) => {
        setMe(m);
        setStatus('signed_in');
      })
      .catch(() => setStatus('signed_out'));
  }, []);

  // Any 401 on a signed-in call (expired, revoked, server reset) ends the session the same way.
  useEffect(
    () =>
      onSessionEnded(() => {
        setMe(null);
        setStatus('signed_out');
        if (!window.location.pathname.startsWith('/portal')) toLogin('expired');
      }),
    [],
  );

  // Also end it on time, so a clerk does not type a whole appeal into a form that can no longer be saved.
  // Counted on the server's clock, known once the UI settings have loaded.
  const clockKnown = useUiConfig().serverTime !== '';
  useEffect(() => {
    if (!me || !clockKnown) return;
    const ms = Date.parse(me.expiresAt) - serverNow();
    if (!Number.isFinite(ms)) return;
    const timer = setTimeout(() => {
      setToken(null);
      setMe(null);
      setStatus('signed_out');
      toLogin('expired');
    }, Math.max(0, Math.min(ms, 2_147_000_000)));
    return () => clearTimeout(timer);
  }, [me, clockKnown]);

  const login = useCallback(async (username: string, password: string) => {
    const { token } = await api.post<{ token: string }>('/api/v1/auth/login', { username, password }, { anonymous: true });
    setToken(token);
    try {
      const m = await api.get<Me>('/api/v1/auth/me');
      setMe(m);
      setStatus('signed_in');
      return m;
    } catch (err) {
      setToken(null);
      throw err instanceof ApiError ? err : new ApiError(0, 'network.offline', String(err));
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      /* the token is dropped locally either way */
    }
    setToken(null);
    setMe(null);
    setStatus('signed_out');
    toLogin('signed_out');
  }, []);

  const value = useMemo<SessionValue>(() => {
    const perms = new Set(me?.permissions ?? []);
    return { status, me, can: (p) => perms.has(p), login, logout };
  }, [status, me, login, logout]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
