export const root: string;
export const partBAllowList: string[];
export function checkLayers(): { violations: string[]; open: string[]; allowedButFixed: string[] };
