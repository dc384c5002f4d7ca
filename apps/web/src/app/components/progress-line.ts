import { h } from '../dom.ts';

/** A progress bar with a line of text beside it; indeterminate until given a fraction. */
export interface ProgressLine {
  element: HTMLElement;
  show(text: string, fraction?: number): void;
  hide(): void;
}

export function createProgressLine(testid: string): ProgressLine {
  const bar = h('progress', { testid: `${testid}-bar`, max: 1 });
  const text = h('span', { class: 'progress-text', testid: `${testid}-text` });
  const element = h('div', { class: 'progress-line', testid, hidden: true }, bar, text);
  return {
    element,
    show(message, fraction) {
      element.hidden = false;
      text.textContent = message;
      if (fraction === undefined) bar.removeAttribute('value');
      else bar.value = Math.max(0, Math.min(1, fraction));
    },
    hide() {
      element.hidden = true;
    },
  };
}
