// Builds popup DOM with textContent only (incident text comes from uploaded files).
import type { PopupContent } from './prepare/incidents';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function popupElement(content: PopupContent, others: { count: number; categories: string[] }): HTMLElement {
  const root = el('div', 'incident-popup');
  root.dataset.testid = 'incident-popup';
  root.append(el('h3', undefined, content.title));
  const dl = el('dl');
  for (const r of content.rows) dl.append(el('dt', undefined, r.label), el('dd', undefined, r.value));
  root.append(dl);
  for (const n of content.notes) root.append(el('p', 'incident-popup-note', n));
  if (others.count > 0) {
    root.append(
      el(
        'p',
        'incident-popup-more',
        `…and ${others.count} more incident${others.count === 1 ? '' : 's'} at this point: ${others.categories.join(', ')}`,
      ),
    );
  }
  return root;
}
