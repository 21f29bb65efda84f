// Message text shown safely: plain text with line breaks, and web addresses made into links
// (http and https only, opened in a new tab without telling the target who linked). Never
// HTML: every piece is a text node or an <a> whose href was checked.

var URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;
// Trailing punctuation belongs to the sentence, not the address.
var TRAILING = /[.,;:!?)\]]+$/;

export function appendLinkified(node, text) {
  var last = 0;
  String(text).replace(URL_PATTERN, function (match, offset) {
    var address = match.replace(TRAILING, '');
    node.appendChild(document.createTextNode(text.slice(last, offset)));
    var link = document.createElement('a');
    link.href = address;
    link.textContent = address;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    node.appendChild(link);
    last = offset + address.length;
    return match;
  });
  node.appendChild(document.createTextNode(text.slice(last)));
  return node;
}
