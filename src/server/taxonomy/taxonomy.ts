import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** 事项分类 one leaf of the appeal taxonomy, the unit every case, deadline and dispatch rule is keyed on. */
export interface Category {
  code: string;
  zh: string;
  en: string;
  /** code of the top-level group (大类) */
  group: string;
  groupZh: string;
  /** default responsible department code */
  department: string;
  /** handling limit (处置时限) */
  deadlineHours: number;
  /** true: count working hours only (8 h a working day); false: clock hours */
  workingTime: boolean;
  urgent: boolean;
}

export interface Department {
  code: string;
  zh: string;
  en: string;
  /** functional 职能部门, utility 公用事业单位, territorial 属地 (街道/社区) */
  kind: 'functional' | 'utility' | 'territorial';
}

export interface Nature {
  code: 'consult' | 'help' | 'complaint' | 'report' | 'suggest' | 'praise';
  zh: string;
  en: string;
}

export interface Example {
  text: string;
  category: string;
  nature: Nature['code'];
}

export interface Taxonomy {
  categories: Category[];
  departments: Department[];
  natures: Nature[];
  examples: Example[];
  category(code: string): Category | undefined;
  department(code: string): Department | undefined;
}

const natureCode = z.enum(['consult', 'help', 'complaint', 'report', 'suggest', 'praise']);
const label = { code: z.string(), zh: z.string(), en: z.string() };
const categoriesFile = z.object({
  natures: z.array(z.object({ ...label, code: natureCode })),
  categories: z.array(
    z.object({
      ...label,
      children: z.array(
        z.object({
          ...label,
          department: z.string(),
          deadlineHours: z.number().positive(),
          workingTime: z.boolean(),
          urgent: z.boolean(),
        }),
      ),
    }),
  ),
});
const departmentsFile = z.object({
  departments: z.array(z.object({ ...label, kind: z.enum(['functional', 'utility', 'territorial']) })),
});
const exampleLine = z.object({ text: z.string().min(1), category: z.string(), nature: natureCode });

const defaultDir = new URL('./default/', import.meta.url);

/** Loads and cross-checks a taxonomy folder (categories.json, departments.json, examples.jsonl). */
export function loadTaxonomy(dir: URL | string = defaultDir): Taxonomy {
  const base = typeof dir === 'string' ? new URL(`file://${dir.endsWith('/') ? dir : `${dir}/`}`) : dir;
  const read = (name: string) => readFileSync(new URL(name, base), 'utf8');
  const cats = categoriesFile.parse(JSON.parse(read('categories.json')));
  const deps = departmentsFile.parse(JSON.parse(read('departments.json')));
  const examples = read('examples.jsonl')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => exampleLine.parse(JSON.parse(line)));

  const categories: Category[] = cats.categories.flatMap((group) =>
    group.children.map((leaf) => ({ ...leaf, group: group.code, groupZh: group.zh })),
  );
  const byCategory = new Map(categories.map((c) => [c.code, c]));
  const byDepartment = new Map(deps.departments.map((d) => [d.code, d]));

  // A taxonomy that points at a department or category that does not exist would dispatch into the void.
  for (const c of categories) {
    if (!byDepartment.has(c.department)) throw new Error(`taxonomy: category ${c.code} names unknown department ${c.department}`);
  }
  for (const e of examples) {
    if (!byCategory.has(e.category)) throw new Error(`taxonomy: example names unknown category ${e.category}`);
  }

  return {
    categories,
    departments: deps.departments,
    natures: cats.natures,
    examples,
    category: (code) => byCategory.get(code),
    department: (code) => byDepartment.get(code),
  };
}
