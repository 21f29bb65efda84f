// The error banner under the toolbar (#banner), tagged by source so one
// source can clear only its own message.

import { $ } from './dom.js';

var bannerSource = null;

export function showBanner(message, source) {
  bannerSource = source || 'general';
  $('banner-text').textContent = message;
  $('banner').hidden = false;
}

export function clearBanner(source) {
  if (source && bannerSource !== source) return;
  bannerSource = null;
  $('banner').hidden = true;
  $('banner-text').textContent = '';
}

export function errorText(e) {
  return (e && e.message) || 'Something went wrong.';
}
