import { AppError } from '../../errors.ts';
import { verifiedChannels } from '../../../../shared/cases/state-machine.ts';
import type { ActionHandler } from './types.ts';

/**
 * 立案. In a grid that requires on-site verification (核实, set per grid by the admin), a citizen's report is filed
 * only after the grid worker has verified it; reports staff made themselves (patrols, devices) need no second look.
 */
export const file: ActionHandler = async ({ core, c, tr }) => {
  if (!tr.needsOnSiteVerification || c.verified_at || !c.grid_code || !verifiedChannels.has(c.channel)) return;
  if (await core.store.gridVerifiesBeforeFiling(core.deps.db, c.grid_code)) {
    throw new AppError(409, 'case.needs_verification', `grid ${c.grid_code} files citizen reports only after its grid worker has verified them on site (核实)`);
  }
};
