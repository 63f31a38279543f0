/** The dispatch desk, timelines and the grid worker's phone (issue #18 desk polish). */
export const deskMessages = {
  'action.file_dispatch': ['立案并派遣', 'File and dispatch'],
  'dispatch.resolved_unit': ['权责清单将派给', 'The catalogue sends it to'],
  'dispatch.source.catalogue': ['权责清单', 'dispatch catalogue'],
  'dispatch.source.taxonomy': ['分类默认单位', 'category default'],
  'dispatch.override_hint': ['默认为权责清单选定的单位；改选则仅对本案生效', 'The catalogue’s unit by default; a change applies to this case only'],
  'field.district': ['所属区', 'District'],
  'case.by_unit': ['{name}（{unit}）· {at}', '{name} ({unit}) · {at}'],
  'case.by_person': ['{name} · {at}', '{name} · {at}'],
  'case.system': ['系统', 'System'],
  'grid.tabbar': ['网格员功能', 'Grid worker sections'],
  'registry.detail': ['详情', 'Details'],
  'registry.filter.q': ['搜索', 'Search'],
  'portal.step.done': ['已完成', 'Done'],
  'portal.step.current': ['进行中', 'In progress'],
} as const satisfies Record<string, readonly [string, string]>;
