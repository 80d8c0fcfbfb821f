type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined>;

/**
 * Builds an element from attributes and children. Text always goes in as a
 * text node, so nothing from a file name or a server message is parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(
    ...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false),
  );
  return el;
}

/** Ids for label/aria wiring; unique within the page, which is all they need to be. */
let counter = 0;
export const uid = (prefix: string) => `${prefix}-${++counter}`;

export function must<T extends Element>(selector: string, type: new () => T): T {
  const el = document.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`The page is missing ${selector}.`);
  return el;
}
