import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cls, escapeHtml, html, raw } from './html.js';

describe('html template', () => {
  it('escapes every interpolated string, including quotes that would end an attribute', () => {
    const name = `<img src=x onerror=alert(1)>" onmouseover="x'`;
    const out = html`<span title="${name}">${name}</span>`.value;
    assert.equal(out, '<span title="&lt;img src=x onerror=alert(1)&gt;&quot; onmouseover=&quot;x&#39;">&lt;img src=x onerror=alert(1)&gt;&quot; onmouseover=&quot;x&#39;</span>');
  });

  it('inserts nested templates as markup and escapes the strings inside them once', () => {
    const inner = html`<b>${'a&b'}</b>`;
    assert.equal(html`<p>${inner}${[inner, '<i>']}</p>`.value, '<p><b>a&amp;b</b><b>a&amp;b</b>&lt;i&gt;</p>');
  });

  it('renders nothing for null, undefined and booleans, and numbers as text', () => {
    assert.equal(html`${null}${undefined}${false}${true}${0}`.value, '0');
  });

  it('passes raw() through and joins class names', () => {
    assert.equal(html`${raw('<svg/>')}`.value, '<svg/>');
    assert.equal(cls('a', false, undefined, '', 'b'), 'a b');
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });
});
