import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { errorText, translate, type Locale, type MessageKey, type Vars } from './i18n.ts';

interface LocaleContextValue {
  locale: Locale;
  setLocale(l: Locale): void;
  t(key: MessageKey, vars?: Vars): string;
  /** readable text for a failed request (problem+json code → message) */
  te(err: unknown): string;
}

const LocaleContext = createContext<LocaleContextValue | null>(null);
const KEY = 'civicgrid.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(KEY);
  if (saved === 'zh-CN' || saved === 'en-US') return saved;
  // Chinese first, whatever the PC's browser language: English is a choice the user makes with the switch.
  return 'zh-CN';
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    // Screen readers pick the voice from <html lang>; keep it in step with the UI language.
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(KEY, l);
    setLocaleState(l);
  }, []);
  const value = useMemo<LocaleContextValue>(
    () => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars), te: (err) => errorText(locale, err) }),
    [locale, setLocale],
  );
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleContextValue {
  const ctx = useContext(LocaleContext);
  if (!ctx) throw new Error('useLocale outside LocaleProvider');
  return ctx;
}
