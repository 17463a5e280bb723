// Tiny DOM builder. Every piece of data goes in through textContent or attributes, never through HTML parsing:
// paths, hosts and labels come straight from access logs and are attacker-controlled. Invisible and bidi control
// characters in them are shown as escapes (`\u202E`, in the .invisible-char style), never applied.

import { escapeInvisible, hasInvisible, splitInvisible } from './format.js';

/** el('div', {class: 'x', title: 't'}, 'text', childElement, ...) */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'title') element.title = escapeInvisible(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child == null || child === false) continue;
    if (child instanceof Node) element.append(child);
    else element.append(...visibleNodes(String(child)));
  }
  return element;
}

/** Sets an element's text; invisible characters become visible escapes (textContent alone would apply them). */
export function setText(element, text) {
  text = String(text);
  if (!hasInvisible(text)) element.textContent = text;
  else element.replaceChildren(...visibleNodes(text));
}

/** Sets an element's text and its hover title (the full value when the cell cuts it off). */
export function setTextAndTitle(element, text) {
  text = String(text);
  setText(element, text);
  element.title = escapeInvisible(text);
}

function visibleNodes(text) {
  if (!hasInvisible(text)) return [document.createTextNode(text)];
  return splitInvisible(text).map((part) => {
    if (part.text !== undefined) return document.createTextNode(part.text);
    const escape = document.createElement('span');
    escape.className = 'invisible-char';
    escape.textContent = part.escape;
    return escape;
  });
}

/** Rebuilds a <select>'s options as text (names come from logs and are never parsed as HTML). */
export function replaceOptions(select, allLabel, values, selected) {
  select.replaceChildren();
  const all = document.createElement('option');
  all.value = '';
  all.textContent = allLabel;
  select.append(all);
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value ? escapeInvisible(value) : '(none)'; // an <option> holds text only: no styled escape
    select.append(option);
  }
  select.value = values.includes(selected) ? selected : '';
}
