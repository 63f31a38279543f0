/** A consultation's timetable as the organiser types it (participation console). */

/**
 * `<input type="datetime-local">` value → ISO, read as the city's wall-clock time (UTC+8, the zone every date on
 * screen is shown in: lib/format.ts), so a meeting typed as 19:00 is listed as 19:00 whatever the PC is set to.
 */
export const isoOf = (local: string | undefined) => (local ? new Date(`${local.length === 16 ? `${local}:00` : local}+08:00`).toISOString() : undefined);

/** The timetable's steps in the order the server requires (proposal ≤ deliberation ≤ opens < closes ≤ result). */
export const timetableSteps = ['proposalAt', 'deliberationAt', 'opensAt', 'closesAt', 'resultAt'] as const;
export type Step = (typeof timetableSteps)[number];

/**
 * The first step out of order, checked as the server does (`participation.bad_timetable`), so the form says
 * which field to fix before a round trip. Empty optional steps are skipped.
 */
export function timetableProblem(v: Partial<Record<Step, string>>): Step | null {
  let prev: { step: Step; at: number } | null = null;
  for (const step of timetableSteps) {
    const raw = v[step];
    if (!raw) continue;
    const at = new Date(isoOf(raw)!).getTime();
    if (prev && (step === 'closesAt' ? at <= prev.at : at < prev.at)) return step;
    prev = { step, at };
  }
  return null;
}
