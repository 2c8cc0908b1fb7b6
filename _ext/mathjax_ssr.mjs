// Typeset the book's maths when it is built (see _ext/mathssr.py): MathJax 4's own
// server-side rendering, CommonHTML output with the mathjax-newcm font and assistive
// MathML, from the copy of MathJax that the site serves (.site-assets/mathjax).
//
//   node mathjax_ssr.mjs < request.json > answer.json
//
// request: {"mathjax": "<folder of the mathjax package>", "fontURL": "<url of the woff2
// folder, relative to the stylesheet>", "items": [[tex, display], ...]}
// answer:  {"html": ["<mjx-container …>", ...], "errors": [[index, message], ...],
//           "css": "<the stylesheet for every formula typeset>"}
//
// One process typesets a whole edition (every page), so MathJax starts once per build.
// No automatic line breaking inside a display formula: a display wider than the
// column scrolls in its own box (layout.css, layout.js).
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const request = JSON.parse(readFileSync(0, 'utf-8'));
const root = path.resolve(request.mathjax);
const {default: MathJax} = await import(pathToFileURL(path.join(root, 'node-main.mjs')).href);

await MathJax.init({
  loader: {
    load: ['input/tex', 'output/chtml', 'adaptors/liteDOM', 'a11y/assistive-mml'],
    paths: {'mathjax-newcm': path.join(root, 'fonts', 'mathjax-newcm-font')},
  },
  tex: {tags: 'none'},
  output: {
    font: 'mathjax-newcm',
    displayOverflow: 'overflow',  // never 'linebreak': a formula stays whole
    linebreaks: {inline: true},   // inline maths may break after a relation, as TeX does
    matchFontHeight: false,
    scale: 1,
  },
  chtml: {fontURL: request.fontURL, adaptiveCSS: true},
  startup: {typeset: false},
});

const adaptor = MathJax.startup.adaptor;

// What the page does not need, out of each formula's markup (a chapter holds a thousand):
// the TeX of every sub-expression (the page keeps the formula's TeX once, in data-tex),
// attributes that only MathJax's own measuring or old browsers read, and the
// attribute that every formula has (set once in the stylesheet instead). What screen readers read (the assistive MathML's elements and text)
// and what the stylesheet selects stay.
const SLIM = [
  / data-latex(?:-item)?="[^"]*"/g,
  / data-mjx-[a-z-]+="[^"]*"/g,
  / xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"/g,
  / unselectable="on"/g,
  / noic="true"/g,
  / overflow="overflow"/g,
  / stretchy="false"/g,
  /^(<mjx-container) class="MathJax"/,
  /^(<mjx-container[^>]*?) style="position: relative;"/,
];
function slim(text) {
  for (const pattern of SLIM) text = text.replace(pattern, (m, keep) => (typeof keep === 'string' ? keep : ''));
  return text
    // the MathML itself is the hidden copy that screen readers read (no wrapper element)
    .replace(/<mjx-assistive-mml display="(?:inline|block)">(<math[\s\S]*<\/math>)<\/mjx-assistive-mml>/, '$1')
    // a character's class (its box in the stylesheet) as a short attribute: c="1D70E"
    .replace(/ class="mjx-c([0-9A-F]+)((?: [^"]*)?)"/g, (m, code, rest) => ` c="${code}"` + (rest ? ` class="${rest.trim()}"` : ''))
    // the base font and the output jax: the same for every formula (the stylesheet says so once)
    .replace(/^<mjx-container jax="CHTML"/, '<mjx-container')
    .replace(/(<mjx-math[^>]*) class="NCM-N"/, '$1');
}

// The stylesheet for the slimmed markup above.
function slimCSS(css) {
  return css
    .replace(/mjx-assistive-mml/g, 'mjx-container > math')
    .replace(/\.mjx-c([0-9A-F]+)/g, '[c="$1"]')
    .replace(/\[jax="CHTML"\]/g, '')
    .replace(/mjx-math\.NCM-N/g, 'mjx-math:not([class])')
    + '\nmjx-math:not([class]) {\n  font-family: MJX-NCM-ZERO, MJX-NCM-N;\n}\n';
}
const html = [];
const errors = [];
for (const [index, [tex, display]] of request.items.entries()) {
  try {
    const node = await MathJax.tex2chtmlPromise(tex, {display: Boolean(display)});
    let text = adaptor.outerHTML(node);
    if (/<mjx-merror|mathcolor="red"/.test(text)) {
      const message = /data-mjx-error="([^"]*)"/.exec(text);
      errors.push([index, message ? message[1] : 'TeX error (an undefined macro?)']);
    }
    // The TeX of every sub-expression is not needed on the page (the page keeps the
    // whole formula's TeX once, in data-tex).
    text = slim(text);
    html.push(text);
  } catch (error) {
    errors.push([index, String(error && error.message || error)]);
    html.push(null);
  }
}
const css = 'mjx-container {\n  position: relative;\n}\n' + slimCSS(adaptor.textContent(MathJax.chtmlStylesheet()));
process.stdout.write(JSON.stringify({html, errors, css}));
