import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { isPlainKey, ownsKeys } from '../lib/keys.ts';

export interface RowKeys<T> {
  /** Enter on the row under the cursor */
  open: (row: T) => void;
  /** single lower-case letters → what they do to the row under the cursor (D: 立案并派遣 on the dispatch queue) */
  keys?: Record<string, (row: T) => void>;
  /** filled with the cursor's handle: a dialog opened from a row calls `refocus` after it closed */
  handle?: { current: RowCursorHandle | null };
}

export interface RowCursorHandle {
  /** the focus fell to the page (its row left the list, a dialog closed): put it back on the cursor's row */
  refocus(): void;
}

/** A dialog is on screen (a closed antd dialog may linger hidden in the page until it is destroyed). */
const dialogUp = () => [...document.querySelectorAll<HTMLElement>('[aria-modal=true]')].some((d) => d.getClientRects().length > 0);

const down = new Set(['ArrowDown', 'j']);
const up = new Set(['ArrowUp', 'k']);

/**
 * A keyboard cursor over a table's rows: ↓/↑ or j/k move it, Enter and the letters of `spec.keys` act on its row.
 * The focus moves with it (a roving tabindex: only the cursor's row is in the Tab order), so the row shows the
 * focus outline and a screen reader reads it. Keys are taken from the page only while the focus owns none
 * (`ownsKeys`: not typing, not in a select, tabs or a dialog) and no dialog is up; Enter only on the row itself
 * or on the bare page, so a focused button keeps its own Enter.
 */
export function useRowCursor<T>(rows: readonly T[], rowKey: (row: T) => string, spec: RowKeys<T> | undefined) {
  const [active, setActive] = useState(0);
  const [engaged, setEngaged] = useState(false);
  const table = useRef<HTMLElement | null>(null);
  const state = useRef({ rows, active, spec, rowKey, engaged });
  state.current = { rows, active, spec, rowKey, engaged };

  const focusRow = useCallback((i: number) => {
    const row = state.current.rows[i];
    if (row === undefined) return;
    setActive(i);
    setEngaged(true);
    table.current?.querySelector<HTMLElement>(`tr[data-row-key="${CSS.escape(state.current.rowKey(row))}"]`)?.focus();
  }, []);

  // `closing`: called from a dialog's afterClose, when that dialog is still in the page for one more render.
  const refocus = useCallback(
    (closing = false) => {
      const { rows: list, active: at, engaged: used } = state.current;
      const lost = document.activeElement === document.body || !document.activeElement?.isConnected;
      if (used && lost && list.length && (closing || !dialogUp())) focusRow(Math.min(at, list.length - 1));
    },
    [focusRow],
  );
  if (spec?.handle) spec.handle.current = { refocus: () => refocus(true) };

  // The list changed under the cursor (a case dispatched away, a reload): keep the place, and if the focus fell
  // to the page with the row it was on, put it on the row now at that place, ready for the next key.
  useEffect(() => {
    if (!rows.length) return;
    if (state.current.active > rows.length - 1) setActive(rows.length - 1);
    refocus(false);
  }, [rows, refocus]);

  const enabled = !!spec;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      const { rows: list, active: at, spec: s } = state.current;
      const target = e.target instanceof Element ? e.target : null;
      if (e.defaultPrevented || !s || !list.length || !isPlainKey(e) || ownsKeys(target)) return;
      if (dialogUp()) return;
      const onRow = target?.tagName === 'TR' || target === document.body || target === null;
      const row = list[Math.min(at, list.length - 1)]!;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (down.has(key) || up.has(key)) {
        e.preventDefault();
        // the first press shows the cursor where it is; the next ones move it
        const next = !engaged && onRow ? at : Math.max(0, Math.min(list.length - 1, at + (down.has(key) ? 1 : -1)));
        focusRow(next);
      } else if (key === 'Enter' && onRow && (engaged || target?.tagName === 'TR')) {
        e.preventDefault();
        s.open(row);
      } else if (s.keys?.[key]) {
        e.preventDefault();
        setEngaged(true);
        s.keys[key]!(row);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, engaged, focusRow]);

  const onRow = (row: T, index: number | undefined): HTMLAttributes<HTMLElement> =>
    spec ? { tabIndex: index === active ? 0 : -1, onFocus: (e) => e.target === e.currentTarget && (setActive(index ?? 0), setEngaged(true)) } : {};
  const rowClassName = (_: T, index: number) => (spec && engaged && index === active ? 'row-cursor' : '');
  return { table, onRow, rowClassName };
}
