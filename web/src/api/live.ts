import { useEffect, useRef } from 'react';
import { getToken } from './client.ts';

/**
 * Server-sent events with a bearer token. EventSource cannot send an Authorization header, so this reads
 * the stream with fetch and splits it into events; it reconnects after a drop, waiting longer each time.
 */
export function parseSseChunk(buffer: string): { events: { event: string; data: string }[]; rest: string } {
  const events: { event: string; data: string }[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const idx = line.indexOf(':');
      const field = idx === -1 ? line : line.slice(0, idx);
      const value = idx === -1 ? '' : line.slice(idx + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

export function subscribe(url: string, onEvent: (e: { event: string; data: string }) => void): () => void {
  let stopped = false;
  let controller: AbortController | null = null;
  let delay = 1000;
  const run = async () => {
    while (!stopped) {
      const token = getToken();
      if (!token) return;
      controller = new AbortController();
      try {
        const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
        if (!res.ok || !res.body) {
          // 401/403/404: retrying will not help (signed out, no permission, feature absent).
          if (res.status >= 400 && res.status < 500) return;
          throw new Error(`stream ${res.status}`);
        }
        delay = 1000;
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parsed = parseSseChunk(buffer);
          buffer = parsed.rest;
          parsed.events.forEach(onEvent);
        }
      } catch {
        if (stopped) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/**
 * One case feed per browser tab, shared by every screen part that listens (the table, the bell, the detail):
 * HTTP/1.1 allows six connections to a host, and each open stream holds one.
 */
const caseListeners = new Set<() => void>();
let stopCaseFeed: (() => void) | null = null;

function listenToCases(fn: () => void): () => void {
  caseListeners.add(fn);
  stopCaseFeed ??= subscribe('/api/v1/cases/stream', () => caseListeners.forEach((l) => l()));
  return () => {
    caseListeners.delete(fn);
    if (caseListeners.size === 0) {
      stopCaseFeed?.();
      stopCaseFeed = null;
    }
  };
}

/** Calls `onChange` (at most every `ms`) whenever a case in the viewer's scope changes. */
export function useCaseFeed(onChange: () => void, ms = 1500) {
  const cb = useRef(onChange);
  cb.current = onChange;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = listenToCases(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        cb.current();
      }, ms);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [ms]);
}
