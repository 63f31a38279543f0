/** The demo city (示范市) of demo mode, under a code no real city has. */
export const demoCity = { code: '990100', name: '示范市', nameEn: 'Demo City' };

/** Accounts named in PRODUCT.md's fixed contracts, plus a few that make every role reachable in the demo. */
export const demoAccounts = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'], scope: demoCity.code, department: null },
  { username: 'dispatcher', displayName: '指挥中心派遣员', roles: ['dispatcher'], scope: demoCity.code, department: null },
  { username: 'clerk', displayName: '12345受理员', roles: ['clerk'], scope: demoCity.code, department: null },
  { username: 'handler.sz', displayName: '市政设施处置员', roles: ['handler'], scope: demoCity.code, department: 'SZ' },
  { username: 'gridworker', displayName: '网格员', roles: ['gridworker'], scope: 'firstGrid', department: null },
  { username: 'leader', displayName: '分管领导', roles: ['leader'], scope: demoCity.code, department: null },
  { username: 'dataadmin', displayName: '数据管理员', roles: ['dataadmin'], scope: demoCity.code, department: null },
  { username: 'dispatcher.east', displayName: '东城区派遣员', roles: ['dispatcher'], scope: '990102', department: null },
] as const;
