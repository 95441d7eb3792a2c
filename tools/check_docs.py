"""Browser test of the built docs site: `python tools/check_docs.py` (run by `make test`, after `make docs`).

Serves _docs/ on 127.0.0.1 and drives a real headless Chromium (Debian's, through Playwright) over every page.
Fails on: a page that does not load, a console error (or a request that fails: the site must not need the
internet), a broken internal link or anchor, an image that does not render, an entry of
`fasterprune.all.__all__` with no section (heading or anchor) on any page, a search for "SparsifyCallback" in
the site's search box that finds nothing, a code block (input, output, signature) or table wider than its box
without a scrollbar the reader can see, `NoneType` in a parameter table or signature, the copy buttons' "Copied!"
in the search index. Saves screenshots of the index, the callback chapter and a tutorial's plot under
_docs/_screenshots/.
"""
import argparse, functools, http.server, json, os, re, shutil, sys, threading, time
from pathlib import Path
from urllib.parse import urljoin, urldefrag, urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT/'_docs'
SHOTS = SITE/'_screenshots'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic']

def chromium():
    "Debian's chromium (`make test` installs it as root); CHROMIUM or a Chrome on the PATH otherwise (GitHub's runners)"
    for c in [os.environ.get('CHROMIUM'), '/usr/bin/chromium', shutil.which('chromium'), shutil.which('google-chrome'),
              shutil.which('chromium-browser')]:
        if c and Path(c).exists(): return c
    sys.exit('docs check: no Chromium found: `apt-get install chromium` (as root), or set CHROMIUM to a Chrome binary')

def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'

def site_prefix():
    "The published site's address (settings.ini doc_host + doc_baseurl): links to it are internal links"
    from configparser import ConfigParser
    c = ConfigParser(); c.read(ROOT/'settings.ini')
    return c['DEFAULT']['doc_host'].rstrip('/') + c['DEFAULT']['doc_baseurl'].rstrip('/') + '/'

def api_names():
    import warnings; warnings.filterwarnings('ignore')
    import fasterprune.all as a
    return list(a.__all__)

PAGE_JS = """() => ({
  ids: [...document.querySelectorAll('[id],a[name]')].map(e => e.id || e.getAttribute('name')),
  headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [h.id, h.textContent.replace('¶','').trim()]),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  title: document.title,
})"""

IMG_JS = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  return imgs.map(i => [i.currentSrc.slice(0, 80), i.naturalWidth]);
}"""

# Code blocks and tables wider than their box. Fine when the box that clips them scrolls with a scrollbar the
# reader sees; a failure when they are cut (overflow hidden), spill out of the text column, or scroll behind a
# scrollbar that does not show. Chromium runs with its scrollbars drawn (Playwright hides them: every scrollbar
# then measures 0 px). Where the system overlays scrollbars only while scrolling (macOS, phones), Chrome and
# Safari still draw one that the site's CSS styles (`::-webkit-scrollbar` and its thumb): without that, a block
# cut at the right edge looks complete.
WIDE_JS = """() => {
  const col = document.querySelector('.md-content__inner'), colRight = col.getBoundingClientRect().right + 1;
  const flat = rs => [...rs].flatMap(r => [r, ...flat(r.cssRules || [])]);   // @media and nested rules too
  const rules = [...document.styleSheets].flatMap(s => flat(s.cssRules)).filter(r => /::-webkit-scrollbar/.test(r.selectorText));
  const styled = (a, pseudo, prop) => rules.some(r => r.style[prop] && r.selectorText.split(/,(?![^(]*\\))/).some(sel => {
    const [base, p] = sel.trim().split('::');
    return p === pseudo && a.matches(/^$|\\s$/.test(base) ? base + '*' : base);
  }));
  const shown = a => {   // why the horizontal scrollbar of `a` cannot be seen, or ''
    const s = getComputedStyle(a);
    if (a.offsetHeight - a.clientHeight - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth) < 1) return 'scrollbar hidden';
    if (a.getBoundingClientRect().right > colRight) return 'scroll box sticks out of the column';
    if (!styled(a, '-webkit-scrollbar', 'height') || !styled(a, '-webkit-scrollbar-thumb', 'backgroundColor')
        || s.scrollbarColor !== 'auto' || s.scrollbarWidth !== 'auto') return 'scrollbar shows only while scrolling (macOS)';
    return '';
  };
  const visRight = a => a.getBoundingClientRect().left + a.clientLeft + a.clientWidth + 1;
  const bad = [], all = col.querySelectorAll('pre, table');
  for (const e of all) {
    const end = e.getBoundingClientRect().left + e.clientLeft + e.scrollWidth;   // where its content ends
    let why = end > colRight ? 'spills out of the column' : '';
    for (let a = e; a !== col; a = a.parentElement) {
      if (end <= visRight(a)) continue;
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') { why = shown(a); break; }
      if (ox !== 'visible') { why = 'cut (overflow ' + ox + ')'; break; }
    }
    if (why) bad.push(`${why}: ${e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40)}`);
  }
  return {n: all.length, bad};
}"""

SIG = ':is(h2,h3,h4,h5) + .highlight > pre'   # show_doc's signature: the code block right under its heading
NONETYPE_JS = f"""() => [...document.querySelectorAll('.md-content table, .md-content {SIG}')]
  .filter(e => e.textContent.includes('NoneType')).map(e => e.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60))"""

def copied_entries():
    "Search index entries with the copy buttons' 'Copied!' in them"
    idx = json.loads((SITE/'search'/'search_index.json').read_text())
    return [d['location'] for d in idx['docs'] if 'Copied!' in d.get('text', '') + d.get('title', '')]

def check(out=print):
    from playwright.sync_api import sync_playwright
    t0 = time.time()
    if not (SITE/'index.html').exists(): sys.exit('docs check: _docs/index.html missing: run `make docs` first')
    pages = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob('*.html') if p.name != '404.html' and '_screenshots' not in p.parts)
    srv, base = serve(SITE)
    prefix = site_prefix()
    errors, info, n = [], {}, dict(links=0, external=0, anchors=0, images=0, blocks=0, wide=0, nonetype=0)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        # scrollbars drawn, as on a desktop: the width check measures them (and the screenshots show them)
        browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS, ignore_default_args=['--hide-scrollbars'])
        ctx = browser.new_context(viewport={'width': 1400, 'height': 1000})
        page = ctx.new_page()
        console = []
        page.on('console', lambda m: m.type == 'error' and console.append(f'console error: {m.text} ({m.location.get("url", "")})'))
        page.on('pageerror', lambda e: console.append(f'page error: {e}'))
        # a request the browser itself aborted (the search worker of the page left, when the next one loads) is no broken link: a missing file answers 404
        page.on('requestfailed', lambda r: 'ERR_ABORTED' not in str(r.failure) and console.append(f'request failed: {r.url[:120]} ({r.failure})'))
        for p in pages:
            console.clear()
            try: resp = page.goto(base + p, wait_until='load', timeout=30000)
            except Exception as e: errors.append(f'{p}: does not load: {e}'); continue
            if not resp or resp.status != 200: errors.append(f'{p}: does not load: HTTP {resp and resp.status}'); continue
            imgs = page.evaluate(IMG_JS)
            info[p] = page.evaluate(PAGE_JS)
            page.wait_for_timeout(50)
            errors += [f'{p}: {c}' for c in console]
            n['images'] += len(imgs)
            errors += [f'{p}: image does not render: {src}' for src, w in imgs if not w]
            wide = page.evaluate(WIDE_JS)
            n['blocks'] += wide['n']; n['wide'] += len(wide['bad'])
            if wide['bad']: errors.append(f'{p}: {len(wide["bad"])} of {wide["n"]} code blocks and tables too wide, without a visible scrollbar: '
                                          + '; '.join(wide['bad'][:3]) + ('; ...' if len(wide['bad']) > 3 else ''))
            nonetype = page.evaluate(NONETYPE_JS)
            n['nonetype'] += len(nonetype)
            if nonetype: errors.append(f'{p}: NoneType in {len(nonetype)} parameter tables or signatures: {nonetype[0]!r}')
        # links and anchors, against the pages and ids the browser saw
        for p, d in info.items():
            for href in d['links']:
                url = urljoin(base + p, href)
                if url.startswith(prefix): url = base + url[len(prefix):]   # the published site: this site
                if not url.startswith(base):
                    n['external'] += 1; continue
                target, frag = urldefrag(url)
                tp = unquote(urlparse(target).path[len(urlparse(base).path):]) or 'index.html'
                if tp.endswith('/'): tp += 'index.html'
                n['links'] += 1
                if tp not in info and not (SITE/tp).is_file():
                    errors.append(f'{p}: broken link {href!r} (no {tp})'); continue
                if frag and tp in info:
                    n['anchors'] += 1
                    if unquote(frag) not in info[tp]['ids']: errors.append(f'{p}: broken anchor {href!r} (no id {frag!r} in {tp})')
        # every public name has a section somewhere
        from mkdocs_jupyter.utils import slugify
        sections = {}
        for p, d in info.items():
            for hid, txt in d['headings']: sections.setdefault(txt, p); sections.setdefault(hid, p)
            for i in d['ids']: sections.setdefault(i, p)
        names = api_names()
        missing = [nm for nm in names if nm not in sections and slugify(nm) not in sections]
        errors += [f'API entry {nm!r} of fasterprune.all.__all__ has no section on any page' for nm in missing]
        # search, through the site's own search box
        page.goto(base + 'index.html', wait_until='load')
        page.click('label.md-search__icon, .md-search__input', timeout=10000)
        hits = 0
        for _ in range(20):   # typed again until the search worker has loaded its index
            page.fill('input.md-search__input', '')
            page.type('input.md-search__input', 'SparsifyCallback', delay=10)
            try: page.wait_for_selector('.md-search-result__item', timeout=1000)
            except Exception: pass
            hits = page.locator('.md-search-result__item').count()
            if hits: break
        meta = page.locator('.md-search-result__meta').first.inner_text() if hits else 'no results'
        if not hits: errors.append('search for "SparsifyCallback" finds nothing')
        copied = copied_entries()
        if copied: errors.append(f'"Copied!" (a copy button) in {len(copied)} search entries: {", ".join(copied[:3])}')
        page.screenshot(path=str(SHOTS/'search.png'))
        page.keyboard.press('Escape')
        # screenshots: the index, the callback chapter's API table, a tutorial's plot
        page.goto(base + 'index.html', wait_until='load'); page.screenshot(path=str(SHOTS/'index.png'))
        page.set_viewport_size({'width': 1400, 'height': 1500})
        page.goto(base + 'callback.html#sparsifycallback', wait_until='load')
        page.wait_for_timeout(300); page.screenshot(path=str(SHOTS/'callback.png'))
        page.set_viewport_size({'width': 1400, 'height': 1000})
        tut = None
        for p in [p for p in pages if p.startswith('tutorials/')]:
            page.goto(base + p, wait_until='load')
            plots = page.locator('.jp-OutputArea-output img')
            if plots.count():
                plots.first.scroll_into_view_if_needed(); page.wait_for_timeout(300)
                page.screenshot(path=str(SHOTS/'tutorial.png')); tut = p; break
        if not tut: errors.append('no tutorial has a plot to screenshot')
        browser.close()
    srv.shutdown()
    out(f'docs check: {len(info)} pages visited, {n["links"]} internal links checked ({n["external"]} external not followed), '
        f'{n["anchors"]} anchors checked, {n["images"]} images checked, {len(names)} API entries checked '
        f'({len(names)-len(missing)} with a section), {n["blocks"]} code blocks and tables checked ({n["wide"]} too wide '
        f'without a visible scrollbar), {n["nonetype"]} NoneType in parameter tables, {len(copied)} "Copied!" in the search index, '
        f'search "SparsifyCallback": {hits} results ({meta.strip()}), '
        f'screenshots in {SHOTS.relative_to(ROOT)}/ (tutorial: {tut}), {time.time()-t0:.0f}s')
    for e in errors: out(f'  FAIL {e}')
    out(f'docs check: {"FAILED, " + str(len(errors)) + " problems" if errors else "OK"}')
    return not errors

if __name__ == '__main__':
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.exit(0 if check() else 1)
