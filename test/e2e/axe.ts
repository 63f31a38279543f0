import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core in the real browser: any `serious` or `critical` violation is reported with the rule, the first
 * offending elements and axe's help link (accessibility.test.ts over every screen, keyboard.test.ts on the desk).
 */
const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

export async function seriousViolations(page: Page): Promise<string[]> {
  // Antd's motion settles before the audit (the live case feed keeps the network busy, so no 'networkidle').
  await page.waitForTimeout(500);
  // Evaluated over the DevTools protocol: the console's CSP (script-src 'self') rightly refuses inline scripts.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  // A string, so the Node-side type check needs no DOM types; axe.run resolves to its results.
  const violations = await page.evaluate<Violation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`).join(' | ')}) ${v.helpUrl}`);
}

/** Audits the page as it is now, adding `screen: violation` lines to `found`. */
export async function audit(page: Page, screen: string, found: string[]) {
  for (const v of await seriousViolations(page)) found.push(`${screen}: ${v}`);
}
