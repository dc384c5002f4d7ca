/** Attributes and properties h() understands: `on…` functions become listeners, the rest attributes. */
export type Props = Record<string, string | number | boolean | undefined | ((event: never) => void)>;
export type Child = Node | string | number | false | null | undefined;

/**
 * Creates an element: `h('button', { class: 'primary', onclick: go }, 'Train')`. Boolean attributes are
 * set when true and left out when false; `testid` is shorthand for `data-testid`.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.slice(2), value as EventListener);
    else if (key === 'testid') element.dataset.testid = String(value);
    else if (key === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value);
    else if (key === 'checked' && element instanceof HTMLInputElement) element.checked = Boolean(value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, skipping empty ones. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** Shows `message` in an error slot (or clears and hides it). */
export function showError(slot: HTMLElement, message: string | undefined): void {
  slot.textContent = message ?? '';
  slot.hidden = !message;
}

/** A number with a fixed count of decimals and the page's digit grouping. */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Bytes as `58.9 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${formatNumber(bytes / 1e3, 1)} kB`;
  return `${formatNumber(bytes / 1e6, 1)} MB`;
}

/** A fraction as `97.5 %`. */
export function formatPercent(fraction: number, decimals = 1): string {
  return `${formatNumber(fraction * 100, decimals)} %`;
}
