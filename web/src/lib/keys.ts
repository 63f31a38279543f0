/**
 * The desk's keyboard vocabulary: a clerk files and a dispatcher dispatches a hundred times a day, so the same
 * keys mean the same thing on every desk screen — Ctrl+Enter sends a form or dialog, Esc closes a dialog, and the
 * single-letter shortcuts of a list never fire while the user is typing (`ownsKeys`).
 */

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey?: boolean;
}

/** Ctrl+Enter (⌘+Enter on a Mac): send the form or dialog the focus is in. */
export const isSubmitKey = (e: KeyLike): boolean => e.key === 'Enter' && (e.ctrlKey || e.metaKey);

/** A plain key a list may take as a shortcut: no Ctrl/Alt/⌘, which belong to the browser and to forms. */
export const isPlainKey = (e: KeyLike): boolean => !e.ctrlKey && !e.metaKey && !e.altKey;

interface ElementLike {
  tagName: string;
  isContentEditable?: boolean;
  closest(selector: string): unknown;
}

/**
 * The focus owns its keys: the user types there (a text field, a select's search box, an editable element), or
 * it is a widget that moves with the arrows itself (tabs, menus, radios, trees), or it is inside a dialog or an
 * open list. A page's shortcuts then stay out of the way.
 */
export function ownsKeys(target: ElementLike | null): boolean {
  if (!target || typeof target.tagName !== 'string') return false;
  if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) return true;
  return !!target.closest(
    '[role=dialog], [role=combobox], [role=listbox], [role=tablist], [role=menu], [role=menubar], [role=radiogroup], [role=tree], [role=slider], [contenteditable=true], .ant-select, .ant-picker, .ant-dropdown',
  );
}

const fieldSelector = 'input:not([disabled]):not([type=hidden]), textarea:not([disabled]), [role=combobox]:not([aria-disabled=true])';

/** Focuses the first field inside `root` (a dialog's form when it opens); true when there was one. */
export function focusFirstField(root: ParentNode | null): boolean {
  const field = root?.querySelector<HTMLElement>(fieldSelector);
  field?.focus();
  return !!field;
}

interface FocusableForm {
  scrollToField(name: string | number | (string | number)[], options?: { focus?: boolean; block?: 'center' | 'nearest' }): void;
}

/**
 * After a form refused to send: the first bad field gets the focus (scrolled into view), so the user corrects it
 * at once instead of hunting for the red text. `err` is what antd's validateFields rejects with; anything else is
 * not a validation failure and is passed back to the caller.
 */
export function focusFirstError(form: FocusableForm, err: unknown): boolean {
  const first = (err as { errorFields?: { name: (string | number)[] }[] } | null)?.errorFields?.[0];
  if (!first) return false;
  form.scrollToField(first.name, { focus: true, block: 'center' });
  return true;
}

/** validateFields, and on a refusal the focus on the first bad field: the values, or null when refused. */
export async function validOrFocus<V>(form: FocusableForm & { validateFields(): Promise<V> }): Promise<V | null> {
  try {
    return await form.validateFields();
  } catch (err) {
    if (!focusFirstError(form, err)) throw err;
    return null;
  }
}
