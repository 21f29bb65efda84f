// Small DOM and localStorage helpers. Server data is only ever written with
// textContent / attributes, never innerHTML.

export function $(id) { return document.getElementById(id); }

export function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function storageGet(key) {
  try { return window.localStorage.getItem(key); } catch (e) { return null; }
}

export function storageSet(key, value) {
  try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
}
