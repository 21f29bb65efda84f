// Toolbar theme (dark / light), stored in localStorage and shared with the login page.

import { $, storageGet, storageSet } from './dom.js';

export var THEME_KEY = 'helpdesk.toolbarTheme';

export function applyTheme() {
  var light = storageGet(THEME_KEY) === 'light';
  document.body.classList.toggle('toolbar-light', light);
  var btn = $('theme-toggle');
  if (btn) {
    var label = light ? 'Switch to dark toolbar' : 'Switch to light toolbar';
    btn.setAttribute('aria-label', label);
    btn.title = label;
  }
}

export function toggleTheme() {
  var light = !document.body.classList.contains('toolbar-light');
  storageSet(THEME_KEY, light ? 'light' : 'dark');
  applyTheme();
}
