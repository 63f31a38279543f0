import { invalid } from '../errors.ts';

/**
 * 居民 of an area: registered there, or tenant or owner of a house there (a person's register entry and the house
 * they are linked to can lie in different areas, e.g. an owner registered elsewhere). `areaPaths` holds both.
 */
export const livesIn = (r: { areaPaths: readonly string[] }, area: string) => r.areaPaths.some((p) => p === area || p.startsWith(`${area}.`));

/** The timetable of a consultation: 提议 → 协商 → 表决 → 结果. */
export interface Timetable {
  proposal_at: Date;
  deliberation_at: Date;
  opens_at: Date;
  closes_at: Date;
  closed_early_at: Date | null;
  published_at: Date | null;
}

export const consultationStates = ['proposal', 'deliberation', 'voting', 'closed', 'published'] as const;
export type ConsultationState = (typeof consultationStates)[number];

/** The state is read from the clock, never stored, so no sweeper is needed to open or close a vote. */
export function stateOf(c: Timetable, now: Date): ConsultationState {
  if (c.published_at) return 'published';
  if (c.closed_early_at || c.closes_at <= now) return 'closed';
  if (c.opens_at <= now) return 'voting';
  if (c.deliberation_at <= now) return 'deliberation';
  return 'proposal';
}

export interface Ballot {
  kind: 'single' | 'multiple' | 'ranking';
  maxChoices: number;
  optionIds: readonly string[];
}

/** A ballot must name known options, each once: one for single choice, up to max for multiple, all or some ranked. */
export function checkChoices(b: Ballot, choices: readonly string[]): void {
  if (choices.length === 0) throw invalid('participation.empty_ballot', 'choose at least one option');
  if (new Set(choices).size !== choices.length) throw invalid('participation.repeated_choice', 'an option may be chosen once');
  const unknown = choices.find((c) => !b.optionIds.includes(c));
  if (unknown) throw invalid('participation.unknown_option', `option ${unknown} is not on this ballot`);
  if (b.kind === 'single' && choices.length !== 1) throw invalid('participation.too_many_choices', 'this poll takes exactly one choice');
  if (b.kind === 'multiple' && choices.length > b.maxChoices) throw invalid('participation.too_many_choices', `choose at most ${b.maxChoices} options`);
}

export interface Tally {
  ballots: number;
  /** per option: votes (choice polls) or Borda points (ranking: n−1 for first … 0 for last) */
  counts: Record<string, number>;
}

export function tally(kind: Ballot['kind'], optionIds: readonly string[], ballots: readonly (readonly string[])[]): Tally {
  const counts: Record<string, number> = Object.fromEntries(optionIds.map((id) => [id, 0]));
  for (const choices of ballots) {
    choices.forEach((id, rank) => {
      if (!(id in counts)) return;
      counts[id]! += kind === 'ranking' ? optionIds.length - 1 - rank : 1;
    });
  }
  return { ballots: ballots.length, counts };
}

/** Whether a vote's results may be shown now: after close, or all along when the organiser chose so. */
export const resultsVisible = (state: ConsultationState, live: boolean) => live || state === 'closed' || state === 'published';

/** 王** — or the nickname the resident chose, which is shown as given (it is theirs to pick). */
export function displayNameOf(nameMask: string, nickname: string | undefined): string {
  const nick = nickname?.trim();
  return nick ? nick : nameMask;
}

export const DAY_MS = 86_400_000;
